//! Crash safety: an import Ozon carried out but whose answer never came is looked up, not sent
//! again; and the real binary killed with SIGKILL mid-run, then restarted, finishes every
//! product without a duplicate import.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use shopbridge::sim::ozon::catalog::SimConfig;

use crate::listing_flow::flow;

const BIN: &str = env!("CARGO_BIN_EXE_shopbridge");

fn assert_each_imported_once(imports: &[String], ids: &[String]) {
    for id in ids {
        let n = imports.iter().filter(|i| *i == id).count();
        assert_eq!(n, 1, "{id} imported {n} times: {imports:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_whose_answer_was_lost_is_looked_up_not_resent() {
    let config = SimConfig {
        lose_reply: Some(("/v3/product/import".into(), 1)),
        ..Default::default()
    };
    let f = flow(config, &[("SHOPBRIDGE_OZON_TIMEOUT_SECS", "1")]).await;
    let ids: Vec<String> = (1..=3).map(|n| format!("LOST-{n}")).collect();
    for id in &ids {
        f.save_clean(&f.draft(id, "丢失回复")).await;
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    f.submit(&refs).await;
    for id in &refs {
        f.wait_for(id, &["ReadyForSale", "Live"], 40).await;
        f.assert_legal_timeline(id).await;
    }
    assert_each_imported_once(&f.imports(), &ids);
    let lookups = f
        .app
        .ozon_sim
        .calls
        .lock()
        .map(|c| c.iter().filter(|p| *p == "/v3/product/info/list").count())
        .unwrap_or(0);
    assert!(lookups > 0, "the offer ids were looked up on Ozon");
    let receipts: Vec<String> = sqlx::query_scalar(
        "SELECT COALESCE(reason, '') FROM product_import_log WHERE offer_id = 'LOST-1' ORDER BY id",
    )
    .fetch_all(&f.app.pool)
    .await
    .expect("receipts");
    assert!(
        receipts.iter().any(|r| r.contains("超时")),
        "the timeout is logged: {receipts:?}"
    );
    f.assert_no_throttling();
    f.app.stop().await;
}

/// A crash after the import's task id was stored but before the product moved on leaves it in
/// MediaReady with the card already on Ozon: the restart must take the card as its own (look it
/// up), not refuse it as one made elsewhere, and must not send it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_storing_the_task_and_moving_on_finds_the_card_as_ours() {
    let f = flow(SimConfig::default(), &[]).await;
    f.save_clean(&f.draft("GAP-1", "中断窗口")).await;
    f.submit(&["GAP-1"]).await;
    f.wait_for("GAP-1", &["Live"], 60).await;
    // What the crash leaves: the task id stored, the intent cleared, the state not advanced,
    // and (as the restart's orphan pass does) an import job queued.
    sqlx::query(
        "UPDATE listing_products SET state = 'MediaReady', product_id = NULL, sku = NULL, \
         import_intent = NULL WHERE offer_id = 'GAP-1'",
    )
    .execute(&f.app.pool)
    .await
    .expect("rewind");
    sqlx::query(
        "INSERT INTO listing_jobs (offer_id, kind, status, run_at, created_at) \
         VALUES ('GAP-1', 'import', 'queued', 0, 0)",
    )
    .execute(&f.app.pool)
    .await
    .expect("job");
    let state = f
        .wait_for("GAP-1", &["ReadyForSale", "Live", "Error"], 40)
        .await;
    assert_ne!(state, "Error", "{:?}", f.error("GAP-1").await);
    assert_each_imported_once(&f.imports(), &["GAP-1".to_string()]);
    f.app.stop().await;
}

fn start(data: &std::path::Path, sim_url: &str) -> Child {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SHOPBRIDGE_DATA_DIR", data)
        .envs(crate::helpers::database_env(data))
        .env("SHOPBRIDGE_BIND", "127.0.0.1:0")
        .env("SHOPBRIDGE_OZON_API_URL", sim_url)
        .env("SHOPBRIDGE_LISTING_TIME_SCALE", "100")
        .env("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true")
        .env("SHOPBRIDGE_OZON_TIMEOUT_SECS", "2")
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start shopbridge")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_run_then_restart_finishes_without_duplicates() {
    // Drafts are submitted with the worker off, then the app stops: the queue holds 60 jobs.
    let f = flow(
        SimConfig::default(),
        &[("SHOPBRIDGE_LISTING_WORKER", "false")],
    )
    .await;
    let ids: Vec<String> = (1..=60).map(|n| format!("KILL-{n:03}")).collect();
    for id in &ids {
        f.save_clean(&f.draft(id, "断电测试")).await;
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    f.submit(&refs).await;
    let sim = f.app.ozon_sim.clone();
    let sim_url = f.app.sim_url.clone();
    let pool = f.app.pool.clone();
    let dir = f.app.stop_keeping_data().await;

    // Kill the binary four times at different points of the run.
    for millis in [300u64, 700, 1200, 2000] {
        let mut child = start(dir.path(), &sim_url);
        tokio::time::sleep(Duration::from_millis(millis)).await;
        child.kill().expect("SIGKILL");
        let _ = child.wait();
    }
    let imported_before_last_run = sim.catalog.lock().map(|c| c.import_log.len()).unwrap_or(0);
    let mut child = start(dir.path(), &sim_url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let unfinished = loop {
        let unfinished: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM listing_products WHERE state NOT IN ('Live', 'Error')",
        )
        .fetch_one(&pool)
        .await
        .expect("count");
        if unfinished == 0 || tokio::time::Instant::now() > deadline {
            break unfinished;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    child.kill().expect("stop");
    let _ = child.wait();
    let stuck: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT p.offer_id, p.state, (SELECT kind || ' ' || status || ' ' || COALESCE(last_error, '') \
         FROM listing_jobs j WHERE j.offer_id = p.offer_id ORDER BY j.id DESC LIMIT 1) \
         FROM listing_products p WHERE p.state NOT IN ('Live', 'Error')",
    )
    .fetch_all(&pool)
    .await
    .expect("stuck");
    assert_eq!(
        unfinished, 0,
        "every product reaches a final state: {stuck:?}"
    );
    let errors: Vec<(String, String)> = sqlx::query_as(
        "SELECT offer_id, COALESCE(error, '') FROM listing_products WHERE state = 'Error'",
    )
    .fetch_all(&pool)
    .await
    .expect("errors");
    assert!(errors.is_empty(), "{errors:?}");
    let imports = sim
        .catalog
        .lock()
        .map(|c| c.import_log.clone())
        .unwrap_or_default();
    assert!(
        imported_before_last_run > 0,
        "the kills happened mid-run, after imports went out"
    );
    assert_each_imported_once(&imports, &ids);
    assert_eq!(sim.count_status(429), 0);
}

/// After a lost answer to `/v3/product/import` (a kill -9 or a timeout after Ozon took it),
/// recovery decides "created" from what Ozon says: an offer listed with `is_created: false`
/// and an attribute error goes to review with Ozon's error, exactly as without the crash, and
/// no price or stock is sent for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_import_answer_for_a_refused_card_ends_in_review_with_ozons_error() {
    use shopbridge::sim::ozon::catalog::ATTRIBUTE_REFUSAL;
    let config = SimConfig {
        lose_reply: Some(("/v3/product/import".into(), 1)),
        ..Default::default()
    };
    let f = flow(config, &[("SHOPBRIDGE_OZON_TIMEOUT_SECS", "1")]).await;
    f.save_clean(&f.draft("ATTR-LOST", &format!("{ATTRIBUTE_REFUSAL} 杯子")))
        .await;
    f.submit(&["ATTR-LOST"]).await;
    f.wait_for("ATTR-LOST", &["Error"], 40).await;
    f.assert_legal_timeline("ATTR-LOST").await;
    let lost = f.error("ATTR-LOST").await.unwrap_or_default();
    // Without the crash, the same product lands in review with the same reason.
    f.save_clean(&f.draft("ATTR-KEPT", &format!("{ATTRIBUTE_REFUSAL} 杯子")))
        .await;
    f.submit(&["ATTR-KEPT"]).await;
    f.wait_for("ATTR-KEPT", &["Error"], 40).await;
    let kept = f.error("ATTR-KEPT").await.unwrap_or_default();
    for why in [&lost, &kept] {
        assert!(why.contains("error_attribute_values_empty"), "{why}");
    }
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT to_state FROM listing_transitions WHERE offer_id = 'ATTR-LOST' ORDER BY id",
    )
    .fetch_all(&f.app.pool)
    .await
    .expect("transitions");
    assert!(
        !states.iter().any(|s| s == "Created" || s == "Priced"),
        "never taken as created: {states:?}"
    );
    let priced: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM price_log WHERE offer_id = 'ATTR-LOST'")
            .fetch_one(&f.app.pool)
            .await
            .expect("prices");
    assert_eq!(priced, 0, "no price sent for a card Ozon never created");
    f.app.stop().await;
}
