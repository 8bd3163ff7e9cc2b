//! The listing pipeline end to end against the simulator (time ×100): new cards and followed
//! cards reach ReadyForSale and Live within Ozon's limits; every error path lands in review with
//! its message; timeouts are retried and logged; changed pictures replace the whole set.

use serde_json::{json, Value};
use shopbridge::sim::ozon::catalog::SimConfig;

use crate::listing_flow::{flow, WAREHOUSE_A, WAREHOUSE_B};

fn outcome_of<'a>(outcomes: &'a Value, offer_id: &str) -> &'a Value {
    outcomes
        .as_array()
        .and_then(|list| list.iter().find(|o| o["offer_id"] == offer_id))
        .unwrap_or(&Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_and_followed_cards_go_live_within_ozons_limits() {
    let f = flow(SimConfig::default(), &[]).await;
    f.save_clean(&f.draft("NEW-1", "新卡片 图书")).await;
    let mut copy = f.draft("COPY-1", "跟卖 图书");
    copy["mode"] = json!("follow_sku");
    copy["follow_sku"] = json!("300001");
    f.save_clean(&copy).await;
    let mut by_barcode = f.draft("BAR-1", "条码跟卖 图书");
    by_barcode["mode"] = json!("follow_barcode");
    f.save_clean(&by_barcode).await;

    let outcomes = f.submit(&["NEW-1", "COPY-1", "BAR-1", "NOPE-9"]).await;
    assert_eq!(outcome_of(&outcomes, "NEW-1")["ok"], true, "{outcomes}");
    assert_eq!(outcome_of(&outcomes, "NOPE-9")["message"], "草稿不存在");
    for id in ["NEW-1", "COPY-1", "BAR-1"] {
        f.wait_for(id, &["Live"], 30).await;
        f.assert_legal_timeline(id).await;
    }
    // Each card was imported exactly once, through the right method.
    let imports = f.imports();
    for id in ["NEW-1", "COPY-1", "BAR-1"] {
        assert_eq!(
            imports.iter().filter(|i| *i == id).count(),
            1,
            "{imports:?}"
        );
    }
    let catalog = f
        .app
        .ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .clone();
    let card = catalog
        .iter()
        .find(|p| p.offer_id == "NEW-1")
        .expect("card");
    // Money goes out with a decimal point and two decimals.
    assert_eq!(card.price.as_deref(), Some("500.00"));
    assert_eq!(card.stocks.get(&WAREHOUSE_A), Some(&5));
    assert_eq!(card.stocks.get(&WAREHOUSE_B), Some(&7));
    let copied = catalog
        .iter()
        .find(|p| p.offer_id == "COPY-1")
        .expect("copy");
    assert_eq!(copied.external_images, None, "a copy keeps Ozon's pictures");
    f.assert_no_throttling();

    // Receipts in the PRD's four tables, without any secret.
    for table in [
        "media_import_log",
        "product_import_log",
        "price_log",
        "stock_log",
    ] {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {table} WHERE offer_id = 'NEW-1'"
        ))
        .fetch_one(&f.app.pool)
        .await
        .expect("count");
        assert!(n > 0, "{table} has receipts");
    }
    let receipts: Vec<String> = sqlx::query_scalar(
        "SELECT request_json || COALESCE(response_json, '') FROM product_import_log",
    )
    .fetch_all(&f.app.pool)
    .await
    .expect("receipts");
    assert!(receipts
        .iter()
        .all(|r| !r.contains("ozon-demo-valid-key-0001")));

    // The product page and the board.
    let (status, page) = f
        .app
        .call(&f.admin, "listing_product", &[("offer_id", "NEW-1")])
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["state_label"], "已上线");
    assert!(
        page["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("https://www.ozon.ru/product/")),
        "{page}"
    );
    let notes: Vec<&str> = page["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|t| t["note"].as_str())
        .collect();
    assert!(notes.iter().any(|n| n.contains("导入任务")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("价格已生效")), "{notes:?}");
    let (_, board) = f
        .app
        .call(
            &f.admin,
            "listing_board",
            &[("state", "Live"), ("type_id", "0"), ("error", "")],
        )
        .await;
    assert_eq!(board["rows"].as_array().map(Vec::len), Some(3), "{board}");
    let live = board["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .find(|c| c[0] == "Live")
        .cloned();
    assert_eq!(live, Some(json!(["Live", "已上线", 3])));
    let html = f.app.client();
    f.app
        .login(&html, "admin", crate::listing_flow::PASSWORD)
        .await;
    let page = html
        .get(f.app.url("/ozon/listing/pipeline/NEW-1"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let text = page.text().await.expect("html");
    assert!(text.contains("商品上架详情") && !text.contains("ozon-demo-valid-key-0001"));
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_path_lands_in_review_with_its_message_and_can_be_retried() {
    let f = flow(SimConfig::default(), &[]).await;
    // SB-001 exists on Ozon already: Ozon's import would overwrite it, so it is not sent.
    f.save_clean(&f.draft("SB-001", "重复商品")).await;
    // A SKU Ozon cannot match.
    let mut copy = f.draft("COPY-X", "跟卖");
    copy["mode"] = json!("follow_sku");
    copy["follow_sku"] = json!("999");
    f.save_clean(&copy).await;
    // Moderation declines it.
    f.save_clean(&f.draft("MOD-1", "拒审 商品")).await;
    // A picture that disappeared after the draft was checked.
    let mut gone = f.draft("GONE-1", "图片失效");
    gone["images"] = json!([format!("{}/img/100002/1.png", f.app.sim_url)]);
    f.save_clean(&gone).await;
    f.app.ozon_sim.catalog.lock().expect("catalog").products[1].images = 0;
    // A draft that does not pass the validator is refused at submit, nothing queued.
    let mut bad = f.draft("BAD-1", "");
    bad["barcode"] = json!("123");
    f.save(&bad).await;

    let outcomes = f
        .submit(&["SB-001", "COPY-X", "MOD-1", "GONE-1", "BAD-1"])
        .await;
    let refused = outcome_of(&outcomes, "BAD-1");
    assert_eq!(refused["ok"], false);
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("草稿未通过检查")),
        "{refused}"
    );
    assert_eq!(
        f.state("BAD-1").await,
        None,
        "a refused draft is not admitted"
    );

    for id in ["SB-001", "COPY-X", "MOD-1", "GONE-1"] {
        f.wait_for(id, &["Error"], 30).await;
        f.assert_legal_timeline(id).await;
    }
    let spu = f.error("SB-001").await.unwrap_or_default();
    assert!(
        spu.starts_with("Ozon 上已有货号 SB-001 的商品卡片") && spu.contains("覆盖"),
        "{spu}"
    );
    assert!(
        !f.imports().contains(&"SB-001".to_string()),
        "a card Ozon already holds is never sent to the create-or-update import"
    );
    assert!(f
        .app
        .ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .overwritten
        .is_empty());
    let unmatched = f.error("COPY-X").await.unwrap_or_default();
    assert!(
        unmatched.contains("找不到 SKU 999") && unmatched.contains("unmatched_sku_list"),
        "{unmatched}"
    );
    let declined = f.error("MOD-1").await.unwrap_or_default();
    assert!(declined.contains("审核未通过"), "{declined}");
    let image = f.error("GONE-1").await.unwrap_or_default();
    assert!(image.starts_with("第 1 张图片"), "{image}");
    let review: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_products WHERE needs_review = TRUE")
            .fetch_one(&f.app.pool)
            .await
            .expect("review");
    assert_eq!(review, 4, "all four wait for a person");
    let (_, board) = f
        .app
        .call(
            &f.admin,
            "listing_board",
            &[
                ("state", "review"),
                ("type_id", "0"),
                ("error", "unmatched"),
            ],
        )
        .await;
    let rows: Vec<&str> = board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["offer_id"].as_str())
        .collect();
    assert_eq!(rows, vec!["COPY-X"], "filtered by error text: {board}");

    // Fix the SKU and retry from the failed step: it goes through.
    copy["follow_sku"] = json!("300002");
    f.save_clean(&copy).await;
    let (status, retried) = f
        .app
        .call(&f.admin, "listing_retry", &[("offer_ids", "COPY-X")])
        .await;
    assert_eq!(status, 200);
    assert!(
        retried[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("提交导入")),
        "{retried}"
    );
    f.wait_for("COPY-X", &["ReadyForSale", "Live"], 30).await;
    f.assert_legal_timeline("COPY-X").await;
    let (_, again) = f
        .app
        .call(&f.admin, "listing_retry", &[("offer_ids", "COPY-X")])
        .await;
    assert_eq!(again[0]["ok"], false, "nothing to retry: {again}");
    f.assert_no_throttling();
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_are_retried_with_back_off_and_logged() {
    let config = SimConfig {
        hang_paths: vec!["/v1/product/import/prices".into()],
        hang_times: Some(3),
        ..Default::default()
    };
    let f = flow(config, &[("SHOPBRIDGE_OZON_TIMEOUT_SECS", "1")]).await;
    f.save_clean(&f.draft("SLOW-1", "慢")).await;
    f.submit(&["SLOW-1"]).await;
    f.wait_for("SLOW-1", &["ReadyForSale", "Live"], 40).await;
    let receipts: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT state, reason FROM price_log WHERE offer_id = 'SLOW-1' ORDER BY id")
            .fetch_all(&f.app.pool)
            .await
            .expect("price log");
    assert_eq!(
        receipts.first().map(|r| r.0.as_str()),
        Some("retry"),
        "{receipts:?}"
    );
    assert!(
        receipts[0].1.as_deref().is_some_and(|r| r.contains("超时")),
        "{receipts:?}"
    );
    assert_eq!(
        receipts.last().map(|r| r.0.as_str()),
        Some("accepted"),
        "{receipts:?}"
    );
    let errors: Vec<String> =
        sqlx::query_scalar("SELECT COALESCE(error, '') FROM listing_products")
            .fetch_all(&f.app.pool)
            .await
            .expect("errors");
    assert_eq!(
        errors,
        vec![String::new()],
        "a retried timeout is not an error"
    );
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_pictures_replace_the_whole_set_and_stock_writes_merge() {
    let f = flow(SimConfig::default(), &[]).await;
    let mut draft = f.draft("PIC-1", "图片更新");
    let one = format!("{}/img/100001/1.png", f.app.sim_url);
    let two = format!("{}/img/100002/1.png", f.app.sim_url);
    draft["images"] = json!([one, two]);
    f.save_clean(&draft).await;
    f.submit(&["PIC-1"]).await;
    f.wait_for("PIC-1", &["ReadyForSale", "Live"], 30).await;
    let pictures_calls = || {
        f.app
            .ozon_sim
            .calls
            .lock()
            .map(|c| {
                c.iter()
                    .filter(|p| *p == "/v2/product/pictures/import")
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(
        pictures_calls(),
        0,
        "a new card's pictures go with the import"
    );

    // UAT-003: swap the order — Ozon gets the whole set in the new order.
    draft["images"] = json!([two, one]);
    f.save_clean(&draft).await;
    let outcomes = f.submit(&["PIC-1"]).await;
    assert!(
        outcome_of(&outcomes, "PIC-1")["message"]
            .as_str()
            .is_some_and(|m| m.contains("更新")),
        "{outcomes}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while pictures_calls() == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(pictures_calls(), 1);
    let set = f
        .app
        .ozon_sim
        .catalog
        .lock()
        .expect("catalog")
        .products
        .iter()
        .find(|p| p.offer_id == "PIC-1")
        .and_then(|p| p.external_images.clone());
    assert_eq!(set, Some(vec![two.clone(), one.clone()]));
    // The same set again is not re-sent.
    f.submit(&["PIC-1"]).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(pictures_calls(), 1, "an unchanged set is not sent again");

    // UAT-004 in the pipeline: five stock changes in quick succession are merged; the last wins.
    for stock in ["11", "12", "13", "14", "15"] {
        draft["stocks"] = json!([{"warehouse_id": WAREHOUSE_A, "stock": stock}, {"warehouse_id": WAREHOUSE_B, "stock": "7"}]);
        f.save_clean(&draft).await;
        f.submit(&["PIC-1"]).await;
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let stock = f
            .app
            .ozon_sim
            .catalog
            .lock()
            .expect("catalog")
            .products
            .iter()
            .find(|p| p.offer_id == "PIC-1")
            .and_then(|p| p.stocks.get(&WAREHOUSE_A).copied());
        if stock == Some(15) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "stock never reached 15: {stock:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let writes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock_log WHERE offer_id = 'PIC-1' AND warehouse_id = $1 AND state = 'accepted'")
        .bind(WAREHOUSE_A)
        .fetch_one(&f.app.pool)
        .await
        .expect("writes");
    assert!(writes <= 4, "five changes, merged: {writes} writes");
    f.assert_no_throttling();
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_daily_quota_makes_imports_wait_for_the_reset() {
    let config = SimConfig {
        daily_create: Some(2),
        quota_window_secs: 120,
        ..Default::default()
    };
    let f = flow(config, &[]).await;
    let ids = ["Q-1", "Q-2", "Q-3", "Q-4"];
    for id in ids {
        f.save_clean(&f.draft(id, "额度")).await;
    }
    f.submit(&ids).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let why = loop {
        let why: Option<String> = sqlx::query_scalar(
            "SELECT last_error FROM listing_jobs WHERE last_error LIKE '%额度%' LIMIT 1",
        )
        .fetch_optional(&f.app.pool)
        .await
        .expect("jobs")
        .flatten();
        if let Some(why) = why {
            break why;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "nothing waited for the quota"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(why.contains("额度不足（已用 0/2）"), "{why}");
    for id in ids {
        f.wait_for(id, &["ReadyForSale", "Live"], 40).await;
    }
    assert!(
        !f.item_errors()
            .iter()
            .any(|(_, _, c)| c == "item_limit_exceeded"),
        "never sent over the quota"
    );
    let alerts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_alerts WHERE kind = 'quota'")
            .fetch_one(&f.app.pool)
            .await
            .expect("alerts");
    assert_eq!(alerts, 1, "one quota alert, deduplicated");
    f.app.stop().await;
}
