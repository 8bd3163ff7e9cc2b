//! The board's tools: the reconciliation report (a price and a stock changed on Ozon behind our
//! back are found, shown, exported and alerted) and 批量改价/改库存 from a pasted table (bad
//! rows refused one by one with the reason, good ones sent to Ozon within its limits).

use serde_json::Value;
use shopbridge::sim::ozon::catalog::SimConfig;

use crate::listing_flow::{flow, Flow, PASSWORD, WAREHOUSE_A, WAREHOUSE_B};

fn outcome<'a>(list: &'a Value, offer_id: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|o| o["offer_id"] == offer_id))
        .unwrap_or(&Value::Null)
}

fn on_sim<T>(
    f: &Flow,
    offer_id: &str,
    read: impl Fn(&shopbridge::sim::ozon::catalog::SimProduct) -> T,
) -> Option<T> {
    f.app
        .ozon_sim
        .catalog
        .lock()
        .ok()
        .and_then(|c| c.products.iter().find(|p| p.offer_id == offer_id).map(read))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_finds_what_changed_on_ozon() {
    let f = flow(SimConfig::default(), &[]).await;
    for id in ["REC-1", "REC-2"] {
        f.save_clean(&f.draft(id, "对账")).await;
    }
    f.submit(&["REC-1", "REC-2"]).await;
    for id in ["REC-1", "REC-2"] {
        f.wait_for(id, &["ReadyForSale", "Live"], 30).await;
    }
    // Nothing differs yet.
    let (status, clean) = f.app.call(&f.admin, "listing_inspect", &[]).await;
    assert_eq!(status, 200, "{clean}");
    assert_eq!(clean["checked"], 2, "{clean}");
    assert_eq!(clean["differences"], serde_json::json!([]), "{clean}");

    // Someone changes REC-1 in the seller cabinet.
    {
        let mut c = f.app.ozon_sim.catalog.lock().expect("catalog");
        let p = c
            .products
            .iter_mut()
            .find(|p| p.offer_id == "REC-1")
            .expect("card");
        p.price = Some("450".into());
        p.stocks.insert(WAREHOUSE_A, 1);
    }
    let (status, report) = f.app.call(&f.admin, "listing_inspect", &[]).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["trigger"], "手动");
    let diffs = report["differences"].as_array().expect("differences");
    assert_eq!(diffs.len(), 2, "{report}");
    assert!(diffs.iter().all(|d| d["offer_id"] == "REC-1"), "{report}");
    let price = diffs.iter().find(|d| d["field"] == "价格").expect("price");
    assert_eq!(
        (price["sent"].as_str(), price["found"].as_str()),
        (Some("500.00"), Some("450"))
    );
    let stock = diffs.iter().find(|d| d["field"] == "库存").expect("stock");
    assert_eq!(
        (stock["sent"].as_str(), stock["found"].as_str()),
        (Some("12"), Some("8"))
    );

    // The scheduled run happened at start-up; the alert is raised once.
    let daily: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM listing_inspections WHERE trigger = 'daily'")
            .fetch_one(&f.app.pool)
            .await
            .expect("runs");
    assert!(daily >= 1);
    let alert: String =
        sqlx::query_scalar("SELECT message FROM listing_alerts WHERE kind = 'reconciliation'")
            .fetch_one(&f.app.pool)
            .await
            .expect("alert");
    assert!(alert.starts_with("对账发现 2 处与 Ozon 不一致"), "{alert}");

    // The page and the CSV.
    let (_, latest) = f.app.call(&f.admin, "listing_inspection", &[]).await;
    assert_eq!(latest["differences"].as_array().map(Vec::len), Some(2));
    let browser = f.app.client();
    let anonymous = browser
        .get(f.app.url("/ozon/listing/inspection.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(
        anonymous.status(),
        303,
        "signed-out users go to the login page"
    );
    assert!(anonymous.headers()["location"]
        .to_str()
        .is_ok_and(|l| l.starts_with("/login")));
    f.app.login(&browser, "admin", PASSWORD).await;
    let csv = browser
        .get(f.app.url("/ozon/listing/inspection.csv"))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    let text = csv.text().await.expect("text");
    assert!(
        text.starts_with("\u{feff}offer_id,项目,已发送,Ozon 现有\r\n"),
        "{text}"
    );
    assert!(
        text.contains("REC-1,价格,500.00,450\r\n") && text.contains("REC-1,库存,12,8\r\n"),
        "{text}"
    );
    let page = browser
        .get(f.app.url("/ozon/listing/inspection"))
        .send()
        .await
        .expect("page");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("对账报告") && html.contains("发现 2 处不一致"),
        "{html}"
    );
    f.app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prices_and_stocks_from_a_pasted_table() {
    let f = flow(SimConfig::default(), &[]).await;
    f.save_clean(&f.draft("CSV-1", "批量")).await;
    f.save_clean(&f.draft("CSV-2", "未提交")).await;
    f.submit(&["CSV-1"]).await;
    f.wait_for("CSV-1", &["ReadyForSale", "Live"], 30).await;

    let call = |table: String| {
        let f = &f;
        async move {
            f.app
                .call(&f.admin, "listing_commercial_csv", &[("table", &table)])
                .await
        }
    };
    // Tables that cannot be used say why, and change nothing.
    for (table, why) in [
        (String::new(), "表格是空的"),
        ("sku,price\nCSV-1,1".to_string(), "offer_id"),
        ("offer_id,stock\nCSV-1,1".to_string(), "warehouse_id"),
        (
            format!("offer_id,price\n{}", "CSV-1,1\n".repeat(300_000)),
            "超过 2 MB",
        ),
    ] {
        let (status, body) = call(table).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(why), "{why}: {body}");
    }

    let table = format!(
        "offer_id,price,warehouse_id,stock\n\
         CSV-1,450,{WAREHOUSE_A},9\n\
         CSV-1,,{WAREHOUSE_B},0\n\
         CSV-2,620,,\n\
         CSV-3,abc,,\n\
         ../etc/passwd,1,,\n\
         <script>alert(1)</script>,1,,\n"
    );
    let (status, list) = call(table).await;
    assert_eq!(status, 200, "{list}");
    let one = outcome(&list, "CSV-1");
    assert_eq!(one["ok"], true, "{list}");
    assert!(
        one["message"]
            .as_str()
            .is_some_and(|m| m.contains("价格 500 → 450")),
        "{list}"
    );
    let two = outcome(&list, "CSV-2");
    assert!(
        two["message"]
            .as_str()
            .is_some_and(|m| m.contains("提交后生效")),
        "{list}"
    );
    let three = outcome(&list, "CSV-3");
    assert_eq!(three["ok"], false);
    assert!(
        three["message"]
            .as_str()
            .is_some_and(|m| m.contains("第 5 行") && m.contains("价格「abc」")),
        "{list}"
    );
    assert_eq!(outcome(&list, "../etc/passwd")["message"], "草稿不存在");
    assert_eq!(
        outcome(&list, "<script>alert(1)</script>")["message"],
        "草稿不存在"
    );

    // CSV-1's new price and stocks reach Ozon; CSV-2's draft is updated, nothing sent.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let now = on_sim(&f, "CSV-1", |p| {
            (
                p.price.clone(),
                p.stocks.get(&WAREHOUSE_A).copied(),
                p.stocks.get(&WAREHOUSE_B).copied(),
            )
        });
        if now == Some((Some("450.00".into()), Some(9), Some(0))) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "Ozon holds {now:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let draft: String =
        sqlx::query_scalar("SELECT data FROM listing_drafts WHERE offer_id = 'CSV-2'")
            .fetch_one(&f.app.pool)
            .await
            .expect("draft");
    let draft: Value = serde_json::from_str(&draft).expect("json");
    assert_eq!(draft["price"], "620");
    assert_eq!(
        on_sim(&f, "CSV-2", |_| ()),
        None,
        "an unsubmitted draft is not sent"
    );
    f.assert_no_throttling();
    f.app.stop().await;
}
