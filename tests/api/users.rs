use serde_json::json;
use shopbridge::auth::Role;

use crate::helpers::{TestApp, ADMIN_PASSWORD, STAFF_PASSWORD};

async fn user_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_manages_users_and_the_audit_log_records_it() {
    let app = TestApp::spawn().await;
    app.add_user("root", Role::Admin, ADMIN_PASSWORD).await;
    let admin = app.client();
    app.login(&admin, "root", "wrong-password!").await;
    app.login(&admin, "root", ADMIN_PASSWORD).await;

    let (status, body) = app
        .call(
            &admin,
            "users_add",
            &[
                ("name", "ivan"),
                ("display_name", "伊万"),
                ("role", "staff"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, list) = app.call(&admin, "users_list", &[]).await;
    let ivan = list
        .as_array()
        .and_then(|users| users.iter().find(|u| u["name"] == "ivan"))
        .cloned()
        .expect("ivan listed");
    assert_eq!(ivan["display_name"], "伊万");
    assert_eq!(ivan["role"], "staff");
    let id = ivan["id"].to_string();

    let (status, _) = app
        .call(
            &admin,
            "users_set_disabled",
            &[("id", &id), ("disabled", "true")],
        )
        .await;
    assert_eq!(status, 200);
    let staff = app.client();
    assert_eq!(
        app.login(&staff, "ivan", STAFF_PASSWORD).await,
        json!({"Refused": "用户名或密码错误"})
    );
    app.call(
        &admin,
        "users_set_disabled",
        &[("id", &id), ("disabled", "false")],
    )
    .await;
    let (status, _) = app
        .call(
            &admin,
            "users_reset_password",
            &[("id", &id), ("password", "brand-new-pass-1")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.login(&staff, "ivan", "brand-new-pass-1").await,
        json!("SignedIn")
    );

    let (_, audit) = app.call(&admin, "audit_list", &[]).await;
    let actions: Vec<&str> = audit
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for expected in [
        "login_failure",
        "login_success",
        "user_add",
        "user_disable",
        "user_enable",
        "password_reset",
    ] {
        assert!(
            actions.contains(&expected),
            "audit lacks {expected}: {actions:?}"
        );
    }
    let add = audit
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|e| e["action"] == "user_add" && e["target"] == "ivan")
        })
        .expect("user_add entry");
    assert_eq!(add["actor"], "root");
    assert_eq!(add["ip"], "127.0.0.1");

    let page = admin
        .get(app.url("/audit"))
        .send()
        .await
        .expect("audit page");
    assert_eq!(page.status(), 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_calling_admin_functions_gets_403_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let admin_id = app.add_user("boss", Role::Admin, ADMIN_PASSWORD).await;
    app.add_user("judy", Role::Staff, STAFF_PASSWORD).await;
    let staff = app.client();
    app.login(&staff, "judy", STAFF_PASSWORD).await;

    let before = user_count(&app).await;
    let (status, body) = app
        .call(
            &staff,
            "users_add",
            &[
                ("name", "mallory"),
                ("display_name", ""),
                ("role", "admin"),
                ("password", "mallory-pass-1"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body, json!("Forbidden"));
    assert_eq!(user_count(&app).await, before);

    let id = admin_id.to_string();
    let (status, _) = app
        .call(
            &staff,
            "users_set_disabled",
            &[("id", &id), ("disabled", "true")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .call(
            &staff,
            "users_reset_password",
            &[("id", &id), ("password", "taken-over-123")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app.call(&staff, "users_list", &[]).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(&staff, "audit_list", &[]).await;
    assert_eq!(status, 403);

    let boss = app.client();
    assert_eq!(
        app.login(&boss, "boss", ADMIN_PASSWORD).await,
        json!("SignedIn")
    );

    for path in ["/users", "/audit", "/platforms/apps", "/api-keys"] {
        let page = staff.get(app.url(path)).send().await.expect("page");
        assert_eq!(page.status(), 403, "{path}");
        let html = page.text().await.expect("html");
        assert!(html.contains("无权访问"), "{path} explains the refusal");
    }
    // Not signed in at all: 401, not 403.
    let (status, body) = app.call(&app.client(), "users_list", &[]).await;
    assert_eq!((status, body), (401, json!("Unauthorized")));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_and_invalid_user_input_gets_a_specific_message() {
    let app = TestApp::spawn().await;
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let admin = app.client();
    app.login(&admin, "admin", ADMIN_PASSWORD).await;
    let before = user_count(&app).await;
    let huge = "p".repeat(100_000);
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            "../etc/passwd",
            "x",
            "staff",
            STAFF_PASSWORD,
            "用户名只能包含",
        ),
        ("", "x", "staff", STAFF_PASSWORD, "用户名不能为空"),
        ("kim", "x", "root", STAFF_PASSWORD, "角色无效"),
        ("kim", "x", "staff", "short", "密码至少需要 10 个字符"),
        ("kim", "x", "staff", &huge, "密码最多 128 个字符"),
        ("admin", "x", "staff", STAFF_PASSWORD, "用户名 admin 已存在"),
    ];
    for (name, display, role, password, expected) in cases {
        let (status, body) = app
            .call(
                &admin,
                "users_add",
                &[
                    ("name", name),
                    ("display_name", display),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(status, 422, "{name}: {body}");
        let message = body["Invalid"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{name}: {message}");
    }
    assert_eq!(user_count(&app).await, before);

    // Markup in a display name is stored as typed and shown as text.
    let (status, _) = app
        .call(
            &admin,
            "users_add",
            &[
                ("name", "xss"),
                ("display_name", "<script>alert(1)</script>"),
                ("role", "staff"),
                ("password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let html = admin
        .get(app.url("/users"))
        .send()
        .await
        .expect("users page")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // The last admin cannot lock everyone out.
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = 'admin'")
        .fetch_one(&app.pool)
        .await
        .expect("id");
    let (status, body) = app
        .call(
            &admin,
            "users_set_disabled",
            &[("id", &admin_id.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body, json!({"Invalid": "不能停用自己的账号"}));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_can_change_their_own_password() {
    let app = TestApp::spawn().await;
    app.add_user("leo", Role::Staff, STAFF_PASSWORD).await;
    let client = app.client();
    app.login(&client, "leo", STAFF_PASSWORD).await;
    let (status, body) = app
        .call(
            &client,
            "password_change",
            &[("current", "not-my-password"), ("new", "leo-new-password")],
        )
        .await;
    assert_eq!((status, body), (422, json!({"Invalid": "当前密码不正确"})));
    let (status, _) = app
        .call(
            &client,
            "password_change",
            &[("current", STAFF_PASSWORD), ("new", "leo-new-password")],
        )
        .await;
    assert_eq!(status, 200);
    let fresh = app.client();
    assert_eq!(
        app.login(&fresh, "leo", "leo-new-password").await,
        json!("SignedIn")
    );
    app.stop().await;
}
