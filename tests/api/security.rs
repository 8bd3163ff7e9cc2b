use serde_json::json;
use shopbridge::auth::Role;
use shopbridge::server::startup;

use crate::helpers::{test_config, TestApp, ADMIN_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_a_strict_csp() {
    let app = TestApp::spawn().await;
    let res = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let csp = headers["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(csp.contains("default-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    // No third-party origin anywhere, except pictures: drafts show images from any https host,
    // and the simulator (the configured Ozon base) serves its own over http.
    for directive in csp.split(';').map(str::trim) {
        if directive.starts_with("img-src") {
            assert_eq!(
                directive,
                format!("img-src 'self' data: https: {}", app.sim_url)
            );
        } else {
            assert!(
                !directive.contains("http:")
                    && !directive.contains("https:")
                    && !directive.contains('*'),
                "{csp}"
            );
        }
    }
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("script nonce in CSP")
        .to_string();
    let html = res.text().await.expect("html");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "hydration script carries the nonce"
    );
    assert!(!html.contains("src=\"http"), "no asset from another origin");
    assert!(
        !html.contains("href=\"http"),
        "no stylesheet from another origin"
    );

    let health = reqwest::get(app.url("/healthz")).await.expect("healthz");
    assert_eq!(health.headers()["x-frame-options"], "DENY");
    assert_eq!(
        health.json::<serde_json::Value>().await.expect("json"),
        json!({"status": "ok"})
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn().await;
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let client = app.client();
    app.login(&client, "admin", ADMIN_PASSWORD).await;
    let form = [
        ("name", "evil"),
        ("display_name", ""),
        ("role", "admin"),
        ("password", "evil-password-1"),
    ];

    let foreign = client
        .post(app.url("/sf/users_add"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(foreign.status(), 403);
    let body: serde_json::Value = foreign.json().await.expect("json");
    assert_eq!(body["code"], "CROSS_SITE_REQUEST");

    let cross_fetch = client
        .post(app.url("/sf/users_add"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(cross_fetch.status(), 403);

    let logout = client
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("logout");
    assert_eq!(logout.status(), 403);

    let evil: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name = 'evil'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(evil, 0);
    // Still signed in: the refused logout changed nothing.
    let (_, me) = app.call(&client, "me", &[]).await;
    assert_eq!(me["name"], "admin");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_data_dir_is_refused() {
    let app = TestApp::spawn().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    if crate::helpers::test_postgres().is_some() {
        // With PostgreSQL nothing locks the data dir: a second node on it starts, serves and
        // stops cleanly beside the first (they share the database and the key file).
        let second = startup::run(test_config(app.dir.path()), listener, async {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        })
        .await;
        assert!(second.is_ok(), "a second node starts: {second:?}");
        let health = reqwest::get(app.url("/healthz")).await.expect("first node");
        assert_eq!(health.status().as_u16(), 200, "the first node still serves");
        app.stop().await;
        return;
    }
    let err = startup::run(test_config(app.dir.path()), listener, async {})
        .await
        .expect_err("second server must not start");
    let message = format!("{err:#}");
    assert!(
        message.contains("另一个 ShopBridge 服务正在使用数据目录"),
        "{message}"
    );
    // The first one is unharmed.
    let health = reqwest::get(app.url("/healthz")).await.expect("healthz");
    assert!(health.status().is_success());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_media_domain_elsewhere_is_allowed_for_images_only() {
    let app =
        TestApp::spawn_with(&[("SHOPBRIDGE_MEDIA_PUBLIC_URL", "https://r2.example.com/m")]).await;
    let res = app
        .client()
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        directive("img-src"),
        format!("img-src 'self' data: https: {}", app.sim_url)
    );
    for other in ["script-src", "connect-src", "default-src", "style-src"] {
        assert!(!directive(other).contains("r2.example.com"), "{csp}");
    }
    app.stop().await;
}
