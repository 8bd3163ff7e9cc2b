//! What a load balancer and an operator see (issue 20): `/readyz`, `/metrics` in Prometheus'
//! text format and who may read it, and a request id on every answer and in the log lines.

use crate::helpers::{captured_logs, TestApp};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn readyz_and_request_ids() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(res.status().as_u16(), 200);
    let made = res.headers()["x-request-id"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(made.len() >= 10 && made.contains('-'), "{made}");
    assert_eq!(
        res.text().await.unwrap_or_default(),
        r#"{"status":"ready"}"#
    );
    // A proxy's id is kept and shows in the request's log lines; a hostile one is replaced.
    let res = app
        .client()
        .post(app.url("/sf/login"))
        .header("x-request-id", "edge-7f3a.req_42")
        .form(&[("username", "nobody"), ("password", "wrong password 123")])
        .send()
        .await
        .expect("login");
    assert_eq!(res.headers()["x-request-id"], "edge-7f3a.req_42");
    for hostile in ["a b", &"x".repeat(65), "id\"};alert(1)", ""] {
        let res = app
            .client()
            .get(app.url("/healthz"))
            .header("x-request-id", hostile)
            .send()
            .await
            .expect("healthz");
        let id = res.headers()["x-request-id"].to_str().unwrap_or_default();
        assert_ne!(id, hostile);
        assert!(!id.is_empty());
    }
    let other = app
        .client()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_ne!(
        other.headers()["x-request-id"].to_str().ok(),
        Some(made.as_str()),
        "ids differ"
    );
    app.stop().await;
    let logs = captured_logs();
    assert!(
        logs.lines()
            .any(|l| l.contains("id=edge-7f3a.req_42") && l.contains("route=/sf/login")),
        "the login's log lines carry its id"
    );
}

#[tokio::test]
async fn metrics_in_prometheus_text_for_loopback_or_the_token_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin_with_credential(PASSWORD).await;
    let html = app
        .client()
        .get(app.url("/products/12345"))
        .send()
        .await
        .expect("page");
    let _ = html.status();
    let _ = admin.get(app.url("/orders")).send().await.expect("orders");
    let res = app
        .client()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("application/openmetrics-text"));
    let text = res.text().await.unwrap_or_default();
    for series in [
        "shopbridge_http_request_duration_seconds_bucket{",
        "route=\"/orders\"",
        "route=\"/products/:id\"",
        "shopbridge_queue_depth{queue=\"listing_import\"}",
        "shopbridge_queue_oldest_job_age_seconds{queue=\"promotions\"}",
    ] {
        assert!(text.contains(series), "{series} missing:\n{text}");
    }
    assert!(text.trim_end().ends_with("# EOF"));
    assert!(
        !text.contains("ozon-demo-valid-key-0001"),
        "no secret in the metrics"
    );
    // Through a proxy (X-Forwarded-For) the loopback rule does not hold.
    let res = app
        .client()
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status().as_u16(), 403);
    assert!(res
        .text()
        .await
        .unwrap_or_default()
        .contains("无权读取监控指标"));
    app.stop().await;

    let app =
        TestApp::spawn_with(&[("SHOPBRIDGE_METRICS_TOKEN", "scrape-token-for-tests-1")]).await;
    for (auth, want) in [
        (None, 403),
        (Some("Bearer wrong-token"), 403),
        (Some("scrape-token-for-tests-1"), 403),
        (Some("Bearer scrape-token-for-tests-1"), 200),
    ] {
        let mut req = app.client().get(app.url("/metrics"));
        if let Some(auth) = auth {
            req = req.header("authorization", auth);
        }
        let res = req.send().await.expect("metrics");
        assert_eq!(res.status().as_u16(), want, "{auth:?}");
        let body = res.text().await.unwrap_or_default();
        assert!(
            !body.contains("scrape-token-for-tests-1"),
            "the token is never echoed"
        );
    }
    app.stop().await;
    assert!(
        !captured_logs().contains("scrape-token-for-tests-1"),
        "nor logged"
    );
}
