//! 抖店 answers in the platform's own codes (`wire/field-facts-2026-12.md`): a shop that took its
//! authorisation back (30001) asks for re-authorisation, a server IP off the whitelist (30002)
//! says so without touching the tokens, a partial failure (10001) keeps what came, the gateway
//! checks `timestamp`, and products updated on a window's boundary second are synced.

use serde_json::json;
use shopbridge::douyin::sign::{canonical_json, method_of, sign, SignMethod};
use shopbridge::sim::doudian::{DEMO_APP_KEY, DEMO_APP_SECRET};

use crate::platforms_fixture::{platforms, sync_now, Platforms};

const OFF: &[(&str, &str)] = &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")];

async fn products_result(p: &Platforms) -> (bool, String) {
    let (ok, result): (shopbridge::server::db::Flag, String) =
        sqlx::query_as("SELECT ok, result FROM shop_sync WHERE kind = 'products'")
            .fetch_one(&p.app.pool)
            .await
            .expect("sync row");
    (ok.0, result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_on_a_window_boundary_second_are_synced_once() {
    let p = platforms(1, 0, 0, OFF).await;
    // One product every second: wherever a split puts a boundary, a product sits on it.
    let from = p.doudian.clock.now() - 86_400;
    p.doudian.add_products(0, 10_200, from, 1);
    p.connect("doudian").await;
    sync_now(&p).await;
    let (ok, result) = products_result(&p).await;
    assert!(ok, "{result}");
    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT product_id) FROM shop_products")
            .fetch_one(&p.app.pool)
            .await
            .expect("count");
    assert_eq!((rows, distinct), (10_200, 10_200), "every product, once");
    assert!(result.contains("10200"), "read once each: {result}");
    p.app.stop().await;
}

#[tokio::test]
async fn a_revoked_shop_asks_for_reauthorisation_and_alerts() {
    let p = platforms(1, 5, 0, OFF).await;
    p.connect("doudian").await;
    p.doudian.revoke("12312312");
    sync_now(&p).await;
    let (ok, result) = products_result(&p).await;
    assert!(!ok, "{result}");
    assert!(
        result.contains("30001") && result.contains("重新授权"),
        "{result}"
    );
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
    p.app.stop().await;
}

#[tokio::test]
async fn an_ip_off_the_whitelist_is_named_and_the_shop_stays_connected() {
    let p = platforms(1, 5, 0, OFF).await;
    p.connect("doudian").await;
    p.doudian.state.lock().expect("sim").fail_next = Some((30002, "", "调用IP不在白名单中"));
    sync_now(&p).await;
    let (ok, result) = products_result(&p).await;
    assert!(!ok, "{result}");
    assert!(
        result.contains("白名单") && result.contains("IP"),
        "{result}"
    );
    let status = p.text("SELECT status FROM platform_accounts").await;
    assert_eq!(
        status, "connected",
        "a whitelist problem is not the token's"
    );
    assert_eq!(
        p.doudian.count("token.refresh", 10000),
        0,
        "no refresh for it"
    );
    p.app.stop().await;
}

#[tokio::test]
async fn transient_platform_failures_are_retried() {
    let p = platforms(1, 5, 0, OFF).await;
    p.connect("doudian").await;
    p.doudian.state.lock().expect("sim").fail_next =
        Some((20000, "dop.service-error", "服务不可用"));
    sync_now(&p).await;
    let (ok, result) = products_result(&p).await;
    assert!(ok, "20000 is retried: {result}");
    assert_eq!(p.doudian.count("product.listV2", 20000), 1);
    p.app.stop().await;
}

/// A signed call made by hand, with the timestamp the test chooses.
async fn raw_call(p: &Platforms, timestamp: &str) -> serde_json::Value {
    let params = json!({"page": 1, "size": 10});
    let param_json = canonical_json(&params);
    let method = method_of("/product/listV2");
    let how = SignMethod::HmacSha256;
    let signature = sign(
        how,
        DEMO_APP_KEY,
        DEMO_APP_SECRET,
        &method,
        &param_json,
        timestamp,
    );
    reqwest::Client::new()
        .post(format!("{}/product/listV2", p.sim_url))
        .query(&[
            ("app_key", DEMO_APP_KEY),
            ("method", method.as_str()),
            ("timestamp", timestamp),
            ("v", "2"),
            ("sign_method", how.as_str()),
            ("sign", signature.as_str()),
            ("access_token", "none"),
        ])
        .header("content-type", "application/json")
        .body(param_json)
        .send()
        .await
        .expect("call")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn the_gateway_checks_timestamps_like_the_platform() {
    let p = platforms(1, 0, 0, OFF).await;
    let now = shopbridge::common::clock::now_unix();
    let stale = raw_call(&p, &(now - 3_600).to_string()).await;
    assert_eq!(
        (stale["code"].as_i64(), stale["sub_code"].as_str()),
        (Some(40003), Some("isv.timestamp-invalid")),
        "{stale}"
    );
    assert!(stale["data"].is_null(), "errors carry data: null: {stale}");
    let malformed = raw_call(&p, "2026-12-01 10:00:00").await;
    assert_eq!(
        malformed["sub_code"], "isv.timestamp-format-error",
        "{malformed}"
    );
    let fresh = raw_call(&p, &now.to_string()).await;
    assert_eq!(
        (fresh["code"].as_i64(), fresh["sub_code"].as_str()),
        (Some(40003), Some("isv.access-token-no-existed")),
        "{fresh}"
    );
    p.app.stop().await;
}
