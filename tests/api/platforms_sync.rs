//! 抖店 shop sync against the simulator: a product total over 10,000 split by update time,
//! orders across one-day windows, incremental runs, throttling, expired tokens, filters.

use serde_json::Value;

use crate::helpers::captured_logs;
use crate::platforms_fixture::{platforms, sync_now, Platforms};

const OFF: &[(&str, &str)] = &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")];

async fn sync_result(p: &Platforms, kind: &str) -> (bool, String, Option<i64>) {
    let (ok, result, window): (shopbridge::server::db::Flag, String, Option<i64>) =
        sqlx::query_as("SELECT ok, result, window_start FROM shop_sync WHERE kind = $1")
            .bind(kind)
            .fetch_one(&p.app.pool)
            .await
            .expect("sync row");
    (ok.0, result, window)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_total_over_10000_is_split_by_update_time() {
    let p = platforms(1, 10_250, 0, OFF).await;
    p.connect("doudian").await;
    sync_now(&p).await;
    let (ok, result, cursor) = sync_result(&p, "products").await;
    assert!(ok, "{result}");
    assert_eq!(cursor, None, "the run finished");
    assert!(result.contains("10250"), "{result}");
    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT product_id) FROM shop_products")
            .fetch_one(&p.app.pool)
            .await
            .expect("count");
    assert_eq!((rows, distinct), (10_250, 10_250), "every product once");
    assert_eq!(
        p.doudian.count("product.listV2", 40003),
        0,
        "page × size never passed 10,000"
    );
    let calls = p.doudian.count("product.listV2", 10000);
    assert!(
        // 103 pages, plus one probe per halving of the first window (all time up to now)
        // until a window holds at most 10,000 products.
        (103..=140).contains(&calls),
        "103 pages plus split probes: {calls}"
    );
    // A big id survives as text (it is over 2^53).
    let id: String =
        sqlx::query_scalar("SELECT product_id FROM shop_products ORDER BY product_id LIMIT 1")
            .fetch_one(&p.app.pool)
            .await
            .expect("id");
    assert_eq!(id, "3539925204000000000");
}

#[tokio::test]
async fn orders_arrive_across_windows_in_fen_and_later_runs_are_incremental() {
    let p = platforms(1, 30, 300, OFF).await;
    p.connect("doudian").await;
    sync_now(&p).await;
    let (ok, result, _) = sync_result(&p, "orders").await;
    assert!(ok, "{result}");
    let sim_fen: i64 = {
        let s = p.doudian.state.lock().expect("sim");
        s.shops[0]
            .orders
            .iter()
            .map(|o| o["pay_amount"].as_i64().unwrap_or(0))
            .sum()
    };
    let (orders, fen): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), CAST(SUM(pay_amount_fen) AS BIGINT) FROM shop_orders")
            .fetch_one(&p.app.pool)
            .await
            .expect("orders");
    assert_eq!(
        (orders, fen),
        (300, sim_fen),
        "every order once, amounts in fen"
    );
    let windows = p.doudian.count("order.searchList", 10000);
    assert!(windows >= 90, "90 days of one-day windows: {windows}");
    let (videos, rooms, authors): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(CASE WHEN video_id != '' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN room_id != '' THEN 1 ELSE 0 END) AS BIGINT), CAST(SUM(CASE WHEN author_id != '' THEN 1 ELSE 0 END) AS BIGINT) FROM shop_order_lines",
    )
    .fetch_one(&p.app.pool)
    .await
    .expect("lines");
    assert_eq!(
        (videos, rooms, authors),
        (100, 100, 100),
        "attribution kept for part 2"
    );
    let encrypted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM shop_orders WHERE encrypt_post_receiver = '#xxxx#' AND mask_post_receiver = '张**'",
    )
    .fetch_one(&p.app.pool)
    .await
    .expect("pii");
    assert_eq!(encrypted, 300, "buyer data stays as the platform sent it");

    // Later: one product renamed, five new orders. The next run reads only what changed.
    let now = p.doudian.clock.now();
    // Updated after the first run's end (which stops a minute behind now), before this one's.
    p.doudian.update_product(0, 5, "改名后的商品", now - 90);
    p.doudian.add_orders(0, 5, now - 175, 1);
    let (pages_before, windows_before) = (p.doudian.count("product.listV2", 10000), windows);
    sync_now(&p).await;
    let name: String =
        sqlx::query_scalar("SELECT name FROM shop_products WHERE outer_product_id = 'SKU-00005'")
            .fetch_one(&p.app.pool)
            .await
            .expect("product");
    assert_eq!(name, "改名后的商品");
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_orders")
        .fetch_one(&p.app.pool)
        .await
        .expect("orders");
    assert_eq!(orders, 305);
    assert!(
        p.doudian.count("product.listV2", 10000) - pages_before <= 2,
        "incremental products"
    );
    assert!(
        p.doudian.count("order.searchList", 10000) - windows_before <= 3,
        "incremental orders"
    );
}

#[tokio::test]
async fn throttling_backs_off_and_an_expired_token_is_refreshed_once() {
    let p = platforms(1, 120, 10, OFF).await;
    p.connect("doudian").await;
    p.doudian.state.lock().expect("sim").throttle_next = 3;
    p.doudian.expire_access_tokens();
    sync_now(&p).await;
    let (ok, result, _) = sync_result(&p, "orders").await;
    assert!(ok, "{result}");
    assert_eq!(
        p.doudian.count("product.listV2", 60000) + p.doudian.count("order.searchList", 60000),
        3
    );
    assert_eq!(
        p.doudian.count("token.refresh", 10000),
        1,
        "one refresh, then the retry"
    );
    let products: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_products")
        .fetch_one(&p.app.pool)
        .await
        .expect("count");
    assert_eq!(products, 120);
    let status = p.text("SELECT status FROM platform_accounts").await;
    assert_eq!(status, "connected");

    // Both tokens gone: the shop needs a new authorisation and the admins hear of it.
    p.doudian.expire_access_tokens();
    p.doudian.expire_refresh_tokens();
    sync_now(&p).await;
    let (ok, result, _) = sync_result(&p, "products").await;
    assert!(!ok);
    assert!(result.contains("refresh_token 已过期"), "{result}");
    let (status, reason): (String, String) =
        sqlx::query_as("SELECT status, status_reason FROM platform_accounts")
            .fetch_one(&p.app.pool)
            .await
            .expect("status");
    assert_eq!(status, "reauth", "{reason}");
    let alerts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_alerts WHERE kind = 'platform_reauth'")
            .fetch_one(&p.app.pool)
            .await
            .expect("alerts");
    assert_eq!(alerts, 1);
    let page = p.html(&p.admin, "/platforms").await;
    assert!(page.contains("需要重新授权") && page.contains("重新授权"));
    // Re-authorising brings it back.
    let page = p.connect("doudian").await;
    assert!(page.contains("已连接抖店「测试店铺」"));
    let status = p.text("SELECT status FROM platform_accounts").await;
    assert_eq!(status, "connected");
    // No token reached a log line.
    let logs = captured_logs();
    assert!(
        !logs.contains("4a0a3d31-sim") && !logs.contains("2ecd9731-sim"),
        "a token was logged"
    );
}

#[tokio::test]
async fn products_and_orders_pages_filter_search_and_refuse_bad_input() {
    let p = platforms(1, 60, 40, OFF).await;
    p.connect("doudian").await;
    sync_now(&p).await;
    let call = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let p = &p;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            p.app.call(&p.admin, endpoint, &form).await
        }
    };
    let (status, body) = call(
        "products_page",
        vec![
            ("query", "SKU-00012".into()),
            ("shop", "0".into()),
            ("page", "1".into()),
            ("cursor", "".into()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 1);
    assert_eq!(body["rows"][0]["outer_product_id"], "SKU-00012");
    let (_, body) = call(
        "products_page",
        vec![
            ("query", "".into()),
            ("shop", "0".into()),
            ("page", "2".into()),
            ("cursor", "".into()),
        ],
    )
    .await;
    assert_eq!(
        (
            body["total"].as_i64(),
            body["pages"].as_i64(),
            body["rows"].as_array().map(Vec::len)
        ),
        (Some(60), Some(2), Some(10))
    );
    let (_, body) = call(
        "products_page",
        vec![
            ("query", "<script>alert(1)</script>".into()),
            ("shop", "0".into()),
            ("page", "1".into()),
            ("cursor", "".into()),
        ],
    )
    .await;
    assert_eq!(body["total"], 0);
    let (status, body) = call(
        "products_page",
        vec![
            ("query", "长".repeat(101)),
            ("shop", "0".into()),
            ("page", "1".into()),
            ("cursor", "".into()),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("最多 100 个字符"));

    let all = |status: &str, from: &str, to: &str| {
        vec![
            ("shop", "0".to_string()),
            ("status", status.to_string()),
            ("from", from.to_string()),
            ("to", to.to_string()),
            ("page", "1".to_string()),
            ("cursor", String::new()),
        ]
    };
    let (status, body) = call("orders_page", all("0", "", "")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 40);
    let total_yuan = body["pay_total_yuan"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let fen: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(pay_amount_fen) AS BIGINT) FROM shop_orders")
            .fetch_one(&p.app.pool)
            .await
            .expect("sum");
    assert_eq!(total_yuan, format!("{}.{:02}", fen / 100, fen % 100));
    let (_, body) = call("orders_page", all("5", "", "")).await;
    assert_eq!(body["total"], 10, "one in four is 已完成");
    assert!(body["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|r: &Value| r["status"] == "已完成"));
    let (_, body) = call("orders_page", all("0", "2000-01-01", "2000-01-02")).await;
    assert_eq!(body["total"], 0);
    for (from, to, why) in [
        ("2024-02-30", "", "无效"),
        ("../etc/passwd", "", "无效"),
        ("2025-01-02", "2025-01-01", "不能晚于"),
    ] {
        let (status, body) = call("orders_page", all("0", from, to)).await;
        assert_eq!(status, 422, "{from} {to}");
        assert!(body.to_string().contains(why), "{body}");
    }
    // Pages render for signed-in users only.
    let anon = p
        .app
        .client()
        .get(p.app.url("/orders"))
        .send()
        .await
        .expect("orders");
    assert_ne!(anon.status().as_u16(), 200);
    let html = p.html(&p.admin, "/orders").await;
    assert!(html.contains("合计 40 单"), "totals on the page");
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM shop_products WHERE outer_product_id = 'SKU-00003'")
            .fetch_one(&p.app.pool)
            .await
            .expect("id");
    let html = p.html(&p.admin, &format!("/products/{id}")).await;
    assert!(html.contains("SKU-00003") && html.contains("已同步订单"));
}
