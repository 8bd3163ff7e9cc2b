//! The 商品 and 订单 lists and 统计 at volume (issue 20): keyset pages that neither skip nor
//! repeat a row, totals from the counters and daily sums that stay equal to counting the rows
//! after inserts, status changes, moves and deletes, the trigram search against a plain LIKE,
//! and refusals of bad cursors and pages. Rows are written with the sync's own store functions
//! and the volume generator `demo --scale` uses.

use std::collections::HashSet;

use serde_json::Value;
use shopbridge::platforms::rows::{upsert_order, upsert_product};
use shopbridge::sim::doudian::volume::Volume;

use crate::platforms_fixture::{platforms, sync_now, Platforms};

const OFF: &[(&str, &str)] = &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")];

async fn seeded(products: usize, orders: usize) -> (Platforms, i64) {
    let p = platforms(1, 20, 10, OFF).await;
    p.connect("doudian").await;
    sync_now(&p).await;
    let shop: i64 = sqlx::query_scalar("SELECT id FROM shops")
        .fetch_one(&p.app.pool)
        .await
        .expect("shop");
    let volume = Volume::new(products);
    let now = shopbridge::common::clock::now_unix();
    let mut tx = p.app.pool.begin().await.expect("tx");
    for i in 0..products {
        // Every third product shares its update second with the one before: ties on the sort
        // key are where keyset paging goes wrong.
        let t = now - 100_000 + (i as i64 / 3) * 60;
        upsert_product(&mut tx, shop, &volume.product(i, t), now)
            .await
            .expect("product");
    }
    for i in 0..orders {
        let t = now - 40 * 86_400 + i as i64 * (40 * 86_400 / orders as i64);
        upsert_order(&mut tx, shop, &volume.order(i, t), now)
            .await
            .expect("order");
    }
    tx.commit().await.expect("commit");
    (p, shop)
}

async fn products(p: &Platforms, query: &str, page: i64, cursor: &str) -> (u16, Value) {
    let page = page.to_string();
    p.app
        .call(
            &p.admin,
            "products_page",
            &[
                ("query", query),
                ("shop", "0"),
                ("page", &page),
                ("cursor", cursor),
            ],
        )
        .await
}

fn ids(body: &Value) -> Vec<i64> {
    body["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn keyset_pages_cover_every_product_once_in_order_and_back() {
    let (p, _) = seeded(530, 0).await;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_products")
        .fetch_one(&p.app.pool)
        .await
        .expect("count");
    assert_eq!(total, 550, "530 seeded and 20 synced");
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let (mut page, mut cursor) = (1, String::new());
    loop {
        let (status, body) = products(&p, "", page, &cursor).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total"], total, "the counter says what COUNT(*) says");
        assert_eq!(body["page"], page);
        pages.push((
            ids(&body),
            body["prev"].as_str().unwrap_or_default().to_string(),
        ));
        seen.extend(ids(&body));
        let next = body["next"].as_str().unwrap_or_default().to_string();
        if next.is_empty() {
            break;
        }
        assert!(page < 20, "paging ends");
        (page, cursor) = (page + 1, next);
    }
    assert_eq!(page, 11, "550 rows are 11 pages of 50");
    let unique: HashSet<i64> = seen.iter().copied().collect();
    assert_eq!(
        (seen.len(), unique.len()),
        (550, 550),
        "no row skipped or repeated"
    );
    let want: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM shop_products ORDER BY COALESCE(update_time, 0) DESC, id DESC",
    )
    .fetch_all(&p.app.pool)
    .await
    .expect("order");
    assert_eq!(seen, want, "newest update first, ties by id");
    // 上一页 from the last page walks back over the same pages.
    let mut back = pages
        .last()
        .map(|(_, prev)| prev.clone())
        .unwrap_or_default();
    for expected in pages.iter().rev().skip(1) {
        let (status, body) = products(&p, "", 1, &back).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(ids(&body), expected.0);
        back = body["prev"].as_str().unwrap_or_default().to_string();
    }
    assert!(back.is_empty(), "the first page has no 上一页");
    // A jump by page number lands where the cursors did.
    let (_, body) = products(&p, "", 7, "").await;
    assert_eq!(ids(&body), pages[6].0);
    // A row updated while someone pages moves to the front; the pages after the cursor still
    // neither repeat nor skip the others.
    let (_, first) = products(&p, "", 1, "").await;
    let next = first["next"].as_str().unwrap_or_default().to_string();
    let moved = pages[5].0[0];
    sqlx::query("UPDATE shop_products SET update_time = update_time + 10000000 WHERE id = $1")
        .bind(moved)
        .execute(&p.app.pool)
        .await
        .expect("touch");
    let (_, second) = products(&p, "", 2, &next).await;
    assert_eq!(ids(&second), pages[1].0);
}

#[tokio::test]
async fn search_uses_the_trigram_index_and_agrees_with_like() {
    let (p, _) = seeded(400, 0).await;
    let like = |text: &str| {
        let pattern = format!("%{text}%");
        let pool = p.app.pool.clone();
        async move {
            // Case-blind as the page's search (SQLite's LIKE is; PostgreSQL's ILIKE).
            let op = if crate::helpers::test_postgres().is_some() {
                "ILIKE"
            } else {
                "LIKE"
            };
            sqlx::query_scalar::<_, i64>(&format!(
                "SELECT COUNT(*) FROM shop_products WHERE name {op} $1 OR product_id {op} $1 \
                 OR outer_product_id {op} $1",
            ))
            .bind(pattern)
            .fetch_one(&pool)
            .await
            .expect("like")
        }
    };
    // Three characters and more go through FTS5; one and two through LIKE.
    for text in [
        "保温杯",
        "便携 保温杯",
        "VOL-0001",
        "vol-0001",
        "保温",
        "杯",
        "示例商品 00012",
        "00019",
    ] {
        let (status, body) = products(&p, text, 1, "").await;
        assert_eq!(status, 200, "{text}: {body}");
        let want = like(text).await;
        assert!(want > 0, "{text} finds something");
        assert_eq!(body["total"], want, "{text}");
        let names: Vec<String> = body["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r["name"], r["product_id"], r["outer_product_id"]
                )
                .to_lowercase()
            })
            .collect();
        assert!(
            names.iter().all(|n| n.contains(&text.to_lowercase())),
            "{text}: {names:?}"
        );
    }
    // Operators and quotes are text, not FTS syntax; % and _ are themselves.
    for text in [
        "\"保温杯",
        "保温杯 OR 手机壳",
        "NEAR(a b)",
        "*",
        "%",
        "_",
        "a_b%",
        "'); DROP TABLE shop_products;--",
    ] {
        let (status, body) = products(&p, text, 1, "").await;
        assert_eq!(status, 200, "{text}: {body}");
        assert_eq!(body["total"], 0, "{text}");
    }
    // A renamed product is found by its new name only (the index follows updates).
    sqlx::query(
        "UPDATE shop_products SET name = '全新改名的紫砂壶' WHERE outer_product_id = 'VOL-000001'",
    )
    .execute(&p.app.pool)
    .await
    .expect("rename");
    let (_, body) = products(&p, "紫砂壶", 1, "").await;
    assert_eq!(body["total"], 1);
    let (_, body) = products(&p, "VOL-000001", 1, "").await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["rows"][0]["name"], "全新改名的紫砂壶");
}

#[tokio::test]
async fn order_totals_and_daily_sums_stay_equal_to_the_orders_through_every_change() {
    let (p, shop) = seeded(50, 1_200).await;
    let pool = &p.app.pool;
    let check = |why: &'static str| async move {
        let kept: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT shop_row, day, status, orders, pay_fen FROM order_daily WHERE orders != 0 \
             ORDER BY 1, 2, 3",
        )
        .fetch_all(pool)
        .await
        .expect("kept");
        let counted: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT shop_row, ((COALESCE(create_time, 0) + 28800) / 86400) * 86400 - 28800 AS d, \
             COALESCE(order_status, 0) AS s, COUNT(*), CAST(SUM(pay_amount_fen) AS BIGINT) FROM shop_orders \
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )
        .fetch_all(pool)
        .await
        .expect("counted");
        assert_eq!(kept, counted, "{why}");
        let (kept, counted): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT CAST(SUM(orders) AS BIGINT) FROM shop_counts), (SELECT COUNT(*) FROM shop_orders)",
        )
        .fetch_one(pool)
        .await
        .expect("counts");
        assert_eq!(kept, counted, "{why}");
    };
    check("after the inserts").await;
    // A second sync of the same orders changes nothing.
    let volume = Volume::new(50);
    let now = shopbridge::common::clock::now_unix();
    let gen = |pool: &sqlx::AnyPool| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT gen FROM stats_gen")
                .fetch_one(&pool)
                .await
                .expect("gen")
        }
    };
    let before = gen(pool).await;
    let mut tx = pool.begin().await.expect("tx");
    for i in 0..100 {
        let t = now - 40 * 86_400 + i as i64 * (40 * 86_400 / 1_200);
        upsert_order(&mut tx, shop, &volume.order(i, t), now)
            .await
            .expect("again");
    }
    tx.commit().await.expect("commit");
    assert_eq!(
        gen(pool).await,
        before,
        "an unchanged order is no change to 统计"
    );
    check("after re-syncing unchanged orders").await;
    for (sql, why) in [
        (
            "UPDATE shop_orders SET order_status = 4 WHERE id % 7 = 0",
            "after cancellations",
        ),
        (
            "UPDATE shop_orders SET pay_amount_fen = pay_amount_fen + 1 WHERE id % 5 = 0",
            "after amount changes",
        ),
        (
            "UPDATE shop_orders SET create_time = create_time - 86400 * 3 WHERE id % 11 = 0",
            "after moving days",
        ),
        (
            "UPDATE shop_orders SET create_time = NULL WHERE id % 13 = 0",
            "after losing a time",
        ),
        (
            "UPDATE shop_orders SET order_status = NULL WHERE id % 17 = 0",
            "after losing a status",
        ),
        (
            "DELETE FROM shop_order_lines WHERE order_row % 19 = 0",
            "after deleting lines",
        ),
        ("DELETE FROM shop_orders WHERE id % 19 = 0", "after deletes"),
    ] {
        sqlx::query(sql).execute(pool).await.expect(why);
        check(why).await;
    }
    assert!(gen(pool).await > before, "changes move the generation");

    // The 订单 totals for each filter equal counting the rows.
    let today = shopbridge::stats::store::since(now, 1);
    let from = shopbridge::ui::time::format_timestamp(today - 20 * 86_400)[..10].to_string();
    let to = shopbridge::ui::time::format_timestamp(today - 10 * 86_400)[..10].to_string();
    for (status, from, to) in [
        ("0", "", ""),
        ("5", "", ""),
        ("4", "", ""),
        ("0", from.as_str(), to.as_str()),
        ("3", from.as_str(), ""),
    ] {
        let (code, body) = p
            .app
            .call(
                &p.admin,
                "orders_page",
                &[
                    ("shop", "0"),
                    ("status", status),
                    ("from", from),
                    ("to", to),
                    ("page", "1"),
                    ("cursor", ""),
                ],
            )
            .await;
        assert_eq!(code, 200, "{body}");
        let lo = if from.is_empty() {
            0
        } else {
            shopbridge::ui::time::parse_date(from).unwrap_or(0)
        };
        let hi = if to.is_empty() {
            0
        } else {
            shopbridge::ui::time::parse_date(to).unwrap_or(0) + 86_400
        };
        let (n, fen): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(CAST(SUM(pay_amount_fen) AS BIGINT), 0) FROM shop_orders WHERE \
             ($1 = 0 OR order_status = $1) AND ($2 = 0 OR COALESCE(create_time, 0) >= $2) \
             AND ($3 = 0 OR COALESCE(create_time, 0) < $3)",
        )
        .bind(status.parse::<i64>().unwrap_or(0))
        .bind(lo)
        .bind(hi)
        .fetch_one(pool)
        .await
        .expect("direct");
        assert_eq!(body["total"], n, "{status} {from} {to}");
        assert_eq!(
            body["pay_total_yuan"],
            format!("{}.{:02}", fen / 100, fen % 100)
        );
        // And the pages add up to the total.
        let mut cursor = String::new();
        let mut rows = 0;
        for page in 1..=40 {
            let page = page.to_string();
            let (_, body) = p
                .app
                .call(
                    &p.admin,
                    "orders_page",
                    &[
                        ("shop", "0"),
                        ("status", status),
                        ("from", from),
                        ("to", to),
                        ("page", &page),
                        ("cursor", &cursor),
                    ],
                )
                .await;
            rows += body["rows"].as_array().map(Vec::len).unwrap_or(0) as i64;
            cursor = body["next"].as_str().unwrap_or_default().to_string();
            if cursor.is_empty() {
                break;
            }
        }
        assert_eq!(rows, n, "{status} {from} {to}: pages add up");
    }
}

#[tokio::test]
async fn bad_cursors_and_pages_are_refused_in_chinese() {
    let p = platforms(1, 5, 5, OFF).await;
    for (page, cursor, why) in [
        ("0", "", "页码应在"),
        ("1001", "", "下一页"),
        ("1", "z1.2", "翻页位置无效"),
        ("1", "a1.2.3", "翻页位置无效"),
        ("1", "a99999999999999999999.1", "翻页位置无效"),
        ("1", "a一.二", "翻页位置无效"),
        ("1", &"a1".repeat(40), "翻页位置无效"),
    ] {
        for endpoint in ["products_page", "orders_page"] {
            let form: Vec<(&str, &str)> = if endpoint == "products_page" {
                vec![
                    ("query", ""),
                    ("shop", "0"),
                    ("page", page),
                    ("cursor", cursor),
                ]
            } else {
                vec![
                    ("shop", "0"),
                    ("status", "0"),
                    ("from", ""),
                    ("to", ""),
                    ("page", page),
                    ("cursor", cursor),
                ]
            };
            let (status, body) = p.app.call(&p.admin, endpoint, &form).await;
            assert_eq!(status, 422, "{endpoint} {page} {cursor}: {body}");
            assert!(body.to_string().contains(why), "{endpoint}: {body}");
        }
    }
    // The pages' own links carry the filters and the cursor in the address.
    p.connect("doudian").await;
    sync_now(&p).await;
    let html = p.html(&p.admin, "/products?q=示例").await;
    assert!(
        html.contains("value=\"示例\""),
        "the search box keeps the query"
    );
    let html = p.html(&p.admin, "/orders?status=5").await;
    assert!(html.contains("data-testid=\"order-totals\""), "{html}");
}

#[tokio::test]
async fn stats_rankings_are_a_snapshot_that_follows_the_orders() {
    let (p, _) = seeded(30, 600).await;
    let call = || p.app.call(&p.admin, "sales_stats", &[("days", "30")]);
    let (status, first) = call().await;
    assert_eq!(status, 200, "{first}");
    let top = first["top"][0]["product_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!top.is_empty(), "{first}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stats_snapshots WHERE days = 30")
        .fetch_one(&p.app.pool)
        .await
        .expect("snapshot");
    assert_eq!(stored, 1);
    // The best seller's orders are all cancelled: totals follow at once, the ranking as soon
    // as the background recomputation is done.
    sqlx::query(
        "UPDATE shop_orders SET order_status = 4 WHERE id IN \
         (SELECT order_row FROM shop_order_lines WHERE product_id = $1)",
    )
    .bind(&top)
    .execute(&p.app.pool)
    .await
    .expect("cancel");
    let (_, after) = call().await;
    assert!(
        after["orders"].as_i64() < first["orders"].as_i64(),
        "totals are exact at once"
    );
    let mut left = true;
    for _ in 0..100 {
        let (_, v) = call().await;
        left = v["top"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["product_id"] == top.as_str());
        if !left {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!left, "the cancelled best seller left the ranking");
    // A snapshot from another day is never shown: the view waits for a new one.
    sqlx::query("UPDATE stats_snapshots SET from_day = from_day - 86400, payload = '{\"top\":[],\"top_fen\":[],\"sources\":[],\"computed_at\":1}'")
        .execute(&p.app.pool)
        .await
        .expect("age");
    let (_, v) = call().await;
    assert!(
        !v["top"].as_array().map(Vec::is_empty).unwrap_or(true),
        "{v}"
    );
}
