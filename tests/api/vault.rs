//! The vault through the running app: credentials against the Ozon simulator, platform apps,
//! REST API keys, and scans proving no secret reaches a page, a response or the logs.

use serde_json::{json, Value};
use shopbridge::auth::Role;

use crate::helpers::{captured_logs, TestApp, ADMIN_PASSWORD, STAFF_PASSWORD};

pub const VALID_KEY: &str = "ozon-demo-valid-key-0001";
const EXPIRING_KEY: &str = "ozon-demo-expiring-key-0002";
const NOROLE_KEY: &str = "ozon-demo-norole-key-0003";
const IPLOCK_KEY: &str = "ozon-demo-iplock-key-0004";
pub const DOUDIAN_SECRET: &str = "doudian-app-secret-5f3c9e";

pub async fn admin_session(app: &TestApp) -> reqwest::Client {
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let client = app.client();
    assert_eq!(
        app.login(&client, "admin", ADMIN_PASSWORD).await,
        json!("SignedIn")
    );
    client
}

pub async fn add_credential(
    app: &TestApp,
    admin: &reqwest::Client,
    name: &str,
    client_id: &str,
    key: &str,
) -> i64 {
    let (status, body) = app
        .call(
            admin,
            "ozon_credentials_add",
            &[("name", name), ("client_id", client_id), ("api_key", key)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, list) = app.call(admin, "ozon_credentials_list", &[]).await;
    list.as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == name))
        .and_then(|r| r["id"].as_i64())
        .expect("credential listed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_creates_tests_edits_and_deletes_credentials() {
    let app = TestApp::spawn().await;
    let admin = admin_session(&app).await;
    let id = add_credential(&app, &admin, "主店铺", "100001", VALID_KEY).await;
    let id_text = id.to_string();

    let (_, list) = app.call(&admin, "ozon_credentials_list", &[]).await;
    let row = &list[0];
    assert_eq!(row["client_id"], "100001");
    assert_eq!(row["key_last4"], "0001");
    assert_eq!(row["expires_at"], Value::Null);

    let (status, check) = app
        .call(&admin, "ozon_credentials_test", &[("id", &id_text)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(check["Ok"]["roles"], json!(["Admin", "Product"]));
    assert!(
        check["Ok"]["expires_at"]
            .as_str()
            .is_some_and(|at| at.len() == 19),
        "{check}"
    );
    let (_, list) = app.call(&admin, "ozon_credentials_list", &[]).await;
    assert_eq!(
        list[0]["expires_in_days"]
            .as_i64()
            .map(|d| (88..=90).contains(&d)),
        Some(true)
    );
    assert_eq!(list[0]["last_check_ok"], json!(true));
    assert!(
        app.ozon_sim.calls.lock().map(|c| c.len()).unwrap_or(0) >= 1,
        "the simulator was called"
    );

    // Edit: rename and replace the key with one lacking a role.
    let (status, _) = app
        .call(
            &admin,
            "ozon_credentials_update",
            &[
                ("id", &id_text),
                ("name", "主店铺-新"),
                ("client_id", "100003"),
                ("api_key", NOROLE_KEY),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.call(&admin, "ozon_credentials_list", &[]).await;
    assert_eq!(list[0]["name"], "主店铺-新");
    assert_eq!(list[0]["key_last4"], "0003");
    assert_eq!(
        list[0]["expires_at"],
        Value::Null,
        "a new key forgets the old expiry"
    );
    let (_, check) = app
        .call(&admin, "ozon_credentials_test", &[("id", &id_text)])
        .await;
    let reason = check["Failed"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(reason.contains("缺少此操作所需的角色"), "{reason}");
    assert!(
        reason.contains("Api-Key is missing a required role"),
        "Ozon's words are kept: {reason}"
    );

    // Editing without a key keeps the stored one.
    app.call(
        &admin,
        "ozon_credentials_update",
        &[
            ("id", &id_text),
            ("name", "主店铺-新"),
            ("client_id", "100001"),
            ("api_key", ""),
        ],
    )
    .await;
    let (_, check) = app
        .call(&admin, "ozon_credentials_test", &[("id", &id_text)])
        .await;
    let reason = check["Failed"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("Api-Key 无效"),
        "key 0003 does not belong to 100001: {reason}"
    );
    assert!(
        reason.contains("Invalid Api-Key, please check the key and try again"),
        "{reason}"
    );

    let ip_id = add_credential(&app, &admin, "IP 受限", "100004", IPLOCK_KEY).await;
    let (_, check) = app
        .call(
            &admin,
            "ozon_credentials_test",
            &[("id", &ip_id.to_string())],
        )
        .await;
    assert!(
        check["Failed"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("IP"),
        "{check}"
    );

    let (status, _) = app
        .call(&admin, "ozon_credentials_delete", &[("id", &id_text)])
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.call(&admin, "ozon_credentials_list", &[]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    let (_, audit) = app.call(&admin, "audit_list", &[]).await;
    let actions: Vec<&str> = audit
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for expected in [
        "ozon_credential_add",
        "ozon_credential_update",
        "ozon_credential_test",
        "ozon_credential_delete",
    ] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
    let audit_text = audit.to_string();
    for key in [VALID_KEY, NOROLE_KEY, IPLOCK_KEY] {
        assert!(!audit_text.contains(key), "audit log holds a key");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credential_input_gets_specific_messages_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = admin_session(&app).await;
    let huge = "k".repeat(10_000);
    let cases: [(&str, &str, &str, &str); 6] = [
        ("", "100001", VALID_KEY, "凭证名称不能为空"),
        ("店", "../etc/passwd", VALID_KEY, "Client-Id 应为正整数"),
        ("店", "0", VALID_KEY, "Client-Id 应为正整数"),
        ("店", "100001", "", "Api-Key 不能为空"),
        ("店", "100001", &huge, "Api-Key 长度应为 8 到 200 个字符"),
        ("店", "100001", "key with spaces", "不能有空格"),
    ];
    for (name, client_id, key, expected) in cases {
        let (status, body) = app
            .call(
                &admin,
                "ozon_credentials_add",
                &[("name", name), ("client_id", client_id), ("api_key", key)],
            )
            .await;
        assert_eq!(status, 422, "{expected}");
        assert!(
            body["Invalid"]
                .as_str()
                .unwrap_or_default()
                .contains(expected),
            "{body}"
        );
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ozon_credentials")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);

    add_credential(
        &app,
        &admin,
        "<script>alert(1)</script>",
        "100001",
        VALID_KEY,
    )
    .await;
    let (status, body) = app
        .call(
            &admin,
            "ozon_credentials_add",
            &[
                ("name", "<script>alert(1)</script>"),
                ("client_id", "100001"),
                ("api_key", VALID_KEY),
            ],
        )
        .await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"Invalid": "凭证名称「<script>alert(1)</script>」已存在"})
        )
    );
    let html = admin
        .get(app.url("/ozon/credentials"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_is_refused_every_admin_vault_function() {
    let app = TestApp::spawn().await;
    let admin = admin_session(&app).await;
    let id = add_credential(&app, &admin, "主店铺", "100001", VALID_KEY)
        .await
        .to_string();
    app.add_user("staff", Role::Staff, STAFF_PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", STAFF_PASSWORD).await;

    let calls: [(&str, Vec<(&str, &str)>); 10] = [
        ("ozon_credentials_list", vec![]),
        (
            "ozon_credentials_add",
            vec![("name", "x"), ("client_id", "1"), ("api_key", "aaaaaaaaaa")],
        ),
        (
            "ozon_credentials_update",
            vec![
                ("id", &id),
                ("name", "x"),
                ("client_id", "1"),
                ("api_key", ""),
            ],
        ),
        ("ozon_credentials_delete", vec![("id", &id)]),
        ("ozon_credentials_test", vec![("id", &id)]),
        ("platform_apps_list", vec![]),
        (
            "platform_apps_update",
            vec![
                ("platform", "douyin"),
                ("app_key", "k"),
                ("app_secret", "s"),
            ],
        ),
        ("api_keys_list", vec![]),
        ("api_keys_create", vec![("name", "mine")]),
        ("api_keys_revoke", vec![("id", "1")]),
    ];
    for (endpoint, form) in &calls {
        let (status, body) = app.call(&staff, endpoint, form).await;
        assert_eq!((status, body), (403, json!("Forbidden")), "{endpoint}");
    }
    let (status, names) = app.call(&staff, "ozon_credentials_names", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(names[0]["name"], "主店铺");
    assert!(names[0].get("client_id").is_none() && names[0].get("key_last4").is_none());

    let (_, list) = app.call(&admin, "ozon_credentials_list", &[]).await;
    assert_eq!(list[0]["name"], "主店铺", "nothing changed");
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_keys")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(keys, 0);
    let page = staff
        .get(app.url("/ozon/credentials"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("主店铺") && !html.contains("100001") && !html.contains("0001"));
    for path in ["/platforms/apps", "/api-keys"] {
        assert_eq!(
            staff
                .get(app.url(path))
                .send()
                .await
                .expect("page")
                .status(),
            403,
            "{path}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_pages_responses_or_logs() {
    let app = TestApp::spawn().await;
    let admin = admin_session(&app).await;
    let id = add_credential(&app, &admin, "主店铺", "100001", VALID_KEY)
        .await
        .to_string();
    let expiring = add_credential(&app, &admin, "快过期", "100002", EXPIRING_KEY)
        .await
        .to_string();
    app.call(
        &admin,
        "platform_apps_update",
        &[
            ("platform", "douyin"),
            ("enabled", "on"),
            ("app_key", "awx123"),
            ("app_secret", DOUDIAN_SECRET),
        ],
    )
    .await;
    let mut seen = String::new();
    for (endpoint, form) in [
        ("ozon_credentials_test", vec![("id", id.as_str())]),
        ("ozon_credentials_test", vec![("id", expiring.as_str())]),
        ("ozon_credentials_list", vec![]),
        ("ozon_credentials_names", vec![]),
        ("ozon_credentials_expiring", vec![]),
        ("platform_apps_list", vec![]),
        ("audit_list", vec![]),
        ("me", vec![]),
    ] {
        let (_, body) = app.call(&admin, endpoint, &form).await;
        seen.push_str(&body.to_string());
    }
    let (_, expiring_list) = app.call(&admin, "ozon_credentials_expiring", &[]).await;
    assert_eq!(expiring_list[0]["name"], "快过期");
    assert_eq!(
        expiring_list[0]["days_left"]
            .as_i64()
            .map(|d| (3..=5).contains(&d)),
        Some(true)
    );

    app.add_user("staff", Role::Staff, STAFF_PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "staff", STAFF_PASSWORD).await;
    for client in [&admin, &staff] {
        for path in [
            "/",
            "/ozon/credentials",
            "/platforms/apps",
            "/api-keys",
            "/users",
            "/audit",
            "/ozon/images",
        ] {
            let html = client
                .get(app.url(path))
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html");
            seen.push_str(&html);
        }
    }
    let admin_home = admin
        .get(app.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("html");
    assert!(
        admin_home.contains("expiry-banner") && admin_home.contains("快过期"),
        "admins are warned"
    );
    let staff_home = staff
        .get(app.url("/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("html");
    assert!(!staff_home.contains("expiry-banner"), "staff are not");

    app.stop().await;
    let logs = captured_logs();
    for secret in [VALID_KEY, EXPIRING_KEY, DOUDIAN_SECRET] {
        assert!(!seen.contains(secret), "a page or response shows a secret");
        assert!(!logs.contains(secret), "the log shows a secret");
    }
    assert!(
        seen.contains("••••0001") || seen.contains("0001"),
        "the last 4 characters are shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_ozon_is_reported_as_a_network_problem() {
    // Nothing listens on port 9 of loopback.
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_OZON_API_URL", "http://127.0.0.1:9")]).await;
    let admin = admin_session(&app).await;
    let id = add_credential(&app, &admin, "断网", "100001", VALID_KEY).await;
    let (status, check) = app
        .call(&admin, "ozon_credentials_test", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200);
    let reason = check["Failed"]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(reason.contains("无法连接 Ozon"), "{reason}");
    assert!(!reason.contains(VALID_KEY));
    app.stop().await;
}
