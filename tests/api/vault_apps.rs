//! Platform apps and REST API keys through the running app.

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::vault::{admin_session, DOUDIAN_SECRET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_apps_keep_their_secrets_sealed() {
    let app = TestApp::spawn().await;
    let admin = admin_session(&app).await;
    let (status, body) = app
        .call(
            &admin,
            "platform_apps_update",
            &[
                ("platform", "doudian"),
                ("enabled", "on"),
                ("app_key", "7312345"),
                ("app_secret", ""),
                ("service_id", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"Invalid": "启用前请填写 app_key 和 app_secret"})
    );
    let (status, body) = app
        .call(
            &admin,
            "platform_apps_update",
            &[
                ("platform", "doudian"),
                ("enabled", "on"),
                ("app_key", "7312345"),
                ("app_secret", DOUDIAN_SECRET),
                ("service_id", "12x"),
            ],
        )
        .await;
    assert_eq!(
        (status, body),
        (422, json!({"Invalid": "service_id 应为数字"}))
    );
    let (status, _) = app
        .call(
            &admin,
            "platform_apps_update",
            &[
                ("platform", "doudian"),
                ("enabled", "on"),
                ("app_key", "7312345"),
                ("app_secret", DOUDIAN_SECRET),
                ("service_id", "4711"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .call(
            &admin,
            "platform_apps_update",
            &[
                ("platform", "../etc/passwd"),
                ("app_key", "k"),
                ("app_secret", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);

    let (_, apps) = app.call(&admin, "platform_apps_list", &[]).await;
    let doudian = apps
        .as_array()
        .and_then(|a| a.iter().find(|p| p["platform"] == "doudian"))
        .expect("doudian");
    assert_eq!(doudian["enabled"], json!(true));
    assert_eq!(doudian["secret_last4"], "3c9e");
    assert_eq!(doudian["service_id"], "4711");
    assert_eq!(apps.as_array().map(Vec::len), Some(5));
    let sealed: String =
        sqlx::query_scalar("SELECT secret_sealed FROM platform_apps WHERE platform = 'doudian'")
            .fetch_one(&app.pool)
            .await
            .expect("sealed");
    assert!(sealed.starts_with("sb1.") && !sealed.contains(DOUDIAN_SECRET));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_are_shown_once_checked_and_revocable() {
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_API_RATE_PER_MINUTE", "3")]).await;
    let admin = admin_session(&app).await;
    let (status, key) = app
        .call(&admin, "api_keys_create", &[("name", "ERP")])
        .await;
    assert_eq!(status, 200);
    let key = key.as_str().expect("key").to_string();
    assert!(key.starts_with("sbk_") && key.len() > 40);
    let (_, list) = app.call(&admin, "api_keys_list", &[]).await;
    assert!(
        !list.to_string().contains(&key),
        "the list never repeats the key"
    );
    assert_eq!(
        list[0]["prefix"].as_str().map(|p| key.starts_with(p)),
        Some(true)
    );

    let http = reqwest::Client::new();
    let whoami = |k: Option<&str>| {
        let mut req = http.get(app.url("/api/v1/whoami"));
        if let Some(k) = k {
            req = req.header("x-api-key", k);
        }
        req.send()
    };
    let ok = whoami(Some(&key)).await.expect("whoami");
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().await.expect("json"),
        json!({"success": true, "data": {"key": "ERP"}})
    );

    for (presented, expected) in [
        (None, "UNAUTHORIZED: 缺少 X-API-Key 请求头"),
        (Some("sbk_wrong"), "UNAUTHORIZED: API 密钥无效或已吊销"),
    ] {
        let res = whoami(presented).await.expect("whoami");
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!({"success": false, "data": null, "error": expected})
        );
    }
    // Three per minute: the first call plus two more, then 429.
    whoami(Some(&key)).await.expect("2nd");
    whoami(Some(&key)).await.expect("3rd");
    let limited = whoami(Some(&key)).await.expect("4th");
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    let body: Value = limited.json().await.expect("json");
    assert!(body["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("RATE_LIMITED"));

    let (_, list) = app.call(&admin, "api_keys_list", &[]).await;
    assert!(list[0]["last_used_at"].is_string());
    let id = list[0]["id"].to_string();
    app.call(&admin, "api_keys_revoke", &[("id", &id)]).await;
    let res = whoami(Some(&key)).await.expect("revoked");
    assert_eq!(res.status(), 401);

    let health: Value = reqwest::get(app.url("/api/v1/ozon/health"))
        .await
        .expect("health")
        .json()
        .await
        .expect("json");
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["plugin"], "ozon-download");
    app.stop().await;
}
