use serde_json::json;
use shopbridge::auth::Role;

use crate::helpers::{captured_logs, session_cookie, TestApp, ADMIN_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_works_and_opens_the_pages() {
    let app = TestApp::spawn().await;
    app.add_user("alice", Role::Admin, ADMIN_PASSWORD).await;
    let client = app.client();

    let anonymous = client.get(app.url("/")).send().await.expect("get /");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login");

    assert_eq!(
        app.login(&client, "alice", ADMIN_PASSWORD).await,
        json!("SignedIn")
    );
    let (status, me) = app.call(&client, "me", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(me["name"], "alice");
    assert_eq!(me["role"], "admin");

    let home = client.get(app.url("/")).send().await.expect("get /");
    assert_eq!(home.status(), 200);
    let html = home.text().await.expect("html");
    assert!(html.contains("概览"), "home page renders in Chinese");

    // Signed in, /login sends you home.
    let login_page = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("get /login");
    assert_eq!(login_page.status(), 303);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_user_get_the_same_message() {
    let app = TestApp::spawn().await;
    app.add_user("bob", Role::Staff, "bob-password-1").await;
    let client = app.client();
    let wrong = app.login(&client, "bob", "not-the-password").await;
    let unknown = app.login(&client, "nobody", "not-the-password").await;
    assert_eq!(wrong, json!({"Refused": "用户名或密码错误"}));
    assert_eq!(wrong, unknown);
    // A disabled account reads the same as well.
    sqlx::query("UPDATE users SET disabled = TRUE WHERE name = 'bob'")
        .execute(&app.pool)
        .await
        .expect("disable");
    assert_eq!(app.login(&client, "bob", "bob-password-1").await, unknown);
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me, json!(null));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_and_huge_credentials_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let empty = app.login(&client, "", "").await;
    assert_eq!(empty, json!({"Refused": "请输入用户名和密码"}));
    let huge = "x".repeat(200_000);
    let refused = app.login(&client, &huge, &huge).await;
    assert_eq!(refused, json!({"Refused": "用户名或密码错误"}));
    // A malformed call (missing field) is an error value, not a crash.
    let (status, body) = app.call(&client, "login", &[("username", "x")]).await;
    assert!(status >= 400, "missing field answered {status}");
    assert!(body.get("Request").is_some(), "{body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_kicks_in_per_account_and_per_ip() {
    let app = TestApp::spawn().await;
    app.add_user("carol", Role::Staff, "carol-password").await;
    let client = app.client();
    for _ in 0..5 {
        let refused = app.login(&client, "carol", "wrong-password").await;
        assert_eq!(refused, json!({"Refused": "用户名或密码错误"}));
    }
    // The right password no longer gets checked.
    let throttled = app.login(&client, "carol", "carol-password").await;
    assert_eq!(
        throttled,
        json!({"Refused": "尝试次数过多，请 15 分钟后再试"})
    );
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me, json!(null));

    // The same IP is locked out for other accounts too.
    app.add_user("dave", Role::Staff, "dave-password").await;
    let other = app.login(&client, "dave", "dave-password").await;
    assert_eq!(
        other["Refused"]
            .as_str()
            .map(|m| m.starts_with("尝试次数过多")),
        Some(true)
    );

    let throttled_rows: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_throttled'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(throttled_rows, 2);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_ends_the_session_for_good() {
    let app = TestApp::spawn().await;
    app.add_user("erin", Role::Staff, "erin-password").await;
    let client = app.client();
    let res = client
        .post(app.url("/sf/login"))
        .form(&[("username", "erin"), ("password", "erin-password")])
        .send()
        .await
        .expect("login");
    let cookie = session_cookie(&res).expect("session cookie set");

    let out = client
        .post(app.url("/logout"))
        .send()
        .await
        .expect("logout");
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/login");
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me, json!(null));

    // Replaying the old cookie does not bring the session back.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = replay
        .get(app.url("/"))
        .header("cookie", format!("shopbridge_session={cookie}"))
        .send()
        .await
        .expect("replay");
    assert_eq!(page.status(), 303);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_id_changes_at_login() {
    let app = TestApp::spawn().await;
    app.add_user("frank", Role::Staff, "frank-password").await;
    app.add_user("grace", Role::Admin, ADMIN_PASSWORD).await;
    let client = app.client();
    let first = client
        .post(app.url("/sf/login"))
        .form(&[("username", "frank"), ("password", "frank-password")])
        .send()
        .await
        .expect("login");
    let first_cookie = session_cookie(&first).expect("cookie");
    // Someone else signs in on the same browser: the old id must not carry over.
    let second = client
        .post(app.url("/sf/login"))
        .form(&[("username", "grace"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("login");
    let second_cookie = session_cookie(&second).expect("cookie renewed");
    assert_ne!(first_cookie, second_cookie);

    let stale = reqwest::Client::new()
        .post(app.url("/sf/me"))
        .header("cookie", format!("shopbridge_session={first_cookie}"))
        .send()
        .await
        .expect("me");
    assert_eq!(
        stale.json::<serde_json::Value>().await.expect("json"),
        json!(null)
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_never_reach_the_logs() {
    let app = TestApp::spawn().await;
    let secret = "Zq9-unique-login-secret-7781";
    app.add_user("heidi", Role::Admin, secret).await;
    let client = app.client();
    app.login(&client, "heidi", "Zq9-wrong-attempt-secret-1234")
        .await;
    app.login(&client, "heidi", secret).await;
    let new_secret = "Zq9-changed-secret-000099";
    let (status, _) = app
        .call(
            &client,
            "password_change",
            &[("current", secret), ("new", new_secret)],
        )
        .await;
    assert_eq!(status, 200);
    app.stop().await;

    let logs = captured_logs();
    assert!(
        logs.contains("route=/sf/login"),
        "the login requests were logged"
    );
    for needle in [secret, "Zq9-wrong-attempt-secret-1234", new_secret, "Zq9-"] {
        assert!(!logs.contains(needle), "log output contains a password");
    }
}
