//! Unfriendly clients: forged Host headers, parallel password guessing, chunked bodies past the
//! limit, forwarded-for headers from strangers, sessions that outlive a password.

use std::time::Duration;

use serde_json::{json, Value};
use shopbridge::auth::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, ADMIN_PASSWORD, STAFF_PASSWORD};

/// A raw HTTP/1.1 request; answers the status line and the body.
async fn raw(addr: &str, head: &str, body: &[u8]) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    // The server may answer and close before the whole body is sent.
    let _ = stream.write_all(body).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await;
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.lines().next().unwrap_or_default().to_string();
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_host_with_a_matching_origin_is_refused() {
    let app = TestApp::spawn().await;
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let port = addr.rsplit(':').next().unwrap_or_default().to_string();
    let form = format!("username=admin&password={ADMIN_PASSWORD}");
    // DNS rebinding: evil.example resolves to us, so Host and Origin agree with each other.
    let head = format!(
        "POST /sf/login HTTP/1.1\r\nHost: evil.example:{port}\r\nOrigin: http://evil.example:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        form.len()
    );
    let (status, body) = raw(&addr, &head, form.as_bytes()).await;
    assert!(status.contains("403"), "{status} {body}");
    assert!(body.contains("CROSS_SITE_REQUEST"), "{body}");
    // Our own address under its loopback names is accepted.
    let head = format!(
        "POST /sf/login HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        form.len()
    );
    let (status, body) = raw(&addr, &head, form.as_bytes()).await;
    assert!(status.contains("200"), "{status} {body}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_parallel_guesses_get_at_most_five_checks() {
    let app = TestApp::spawn().await;
    app.add_user("carol", Role::Staff, STAFF_PASSWORD).await;
    let mut tries = Vec::new();
    for n in 0..40 {
        let client = app.client();
        let url = app.url("/sf/login");
        tries.push(tokio::spawn(async move {
            let guess = format!("wrong-guess-{n:03}");
            let res = client
                .post(url)
                .form(&[("username", "carol"), ("password", guess.as_str())])
                .send()
                .await
                .expect("login");
            res.json::<Value>().await.expect("json")
        }));
    }
    let mut checked = 0;
    let mut throttled = 0;
    for t in tries {
        let answer = t.await.expect("join");
        match answer["Refused"].as_str() {
            Some("用户名或密码错误") => checked += 1,
            Some(m) if m.starts_with("尝试次数过多") => throttled += 1,
            _ => panic!("unexpected answer {answer}"),
        }
    }
    assert!(checked <= 5, "{checked} passwords were checked");
    assert_eq!(checked + throttled, 40);
    // The account is locked: the right password is not even checked.
    let client = app.client();
    let locked = app.login(&client, "carol", STAFF_PASSWORD).await;
    assert!(
        locked["Refused"]
            .as_str()
            .is_some_and(|m| m.starts_with("尝试次数过多")),
        "{locked}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_behind_one_address_signs_in_together() {
    // Twelve colleagues, one address, all at once: nobody is locked out by the others.
    let app = TestApp::spawn().await;
    for n in 0..12 {
        app.add_user(&format!("staff{n}"), Role::Staff, STAFF_PASSWORD)
            .await;
    }
    let mut logins = Vec::new();
    for n in 0..12 {
        let client = app.client();
        let url = app.url("/sf/login");
        logins.push(tokio::spawn(async move {
            let name = format!("staff{n}");
            client
                .post(url)
                .form(&[("username", name.as_str()), ("password", STAFF_PASSWORD)])
                .send()
                .await
                .expect("login")
                .json::<Value>()
                .await
                .expect("json")
        }));
    }
    for l in logins {
        assert_eq!(l.await.expect("join"), json!("SignedIn"));
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // Without a trusted proxy, X-Forwarded-For is the client's word: ignored.
    let app = TestApp::spawn().await;
    for n in 0..5 {
        let client = app.client();
        let res = client
            .post(app.url("/sf/login"))
            .header("x-forwarded-for", format!("203.0.113.{n}"))
            .form(&[
                ("username", format!("ghost{n}")),
                ("password", "wrong-password".into()),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 200);
    }
    let ips: Vec<String> = sqlx::query_scalar("SELECT DISTINCT ip FROM login_attempts")
        .fetch_all(&app.pool)
        .await
        .expect("ips");
    assert_eq!(ips, vec!["127.0.0.1".to_string()]);
    app.stop().await;

    // Behind a trusted proxy (us, on loopback), the forwarded address is the client.
    let app = TestApp::spawn_with(&[("SHOPBRIDGE_TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    app.add_user("erin", Role::Staff, STAFF_PASSWORD).await;
    for n in 0..5 {
        let res = app
            .client()
            .post(app.url("/sf/login"))
            .header("x-forwarded-for", "198.51.100.7")
            .form(&[
                ("username", format!("ghost{n}")),
                ("password", "wrong-password".into()),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 200);
    }
    // 198.51.100.7 is locked out; a colleague at another address is not.
    let from = |ip: &'static str| {
        let client = app.client();
        let url = app.url("/sf/login");
        async move {
            client
                .post(url)
                .header("x-forwarded-for", ip)
                .form(&[("username", "erin"), ("password", STAFF_PASSWORD)])
                .send()
                .await
                .expect("login")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let locked = from("198.51.100.7").await;
    assert!(locked["Refused"].is_string(), "{locked}");
    assert_eq!(from("198.51.100.8").await, json!("SignedIn"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chunked_bodies_past_the_limit_are_refused_on_every_route() {
    let app = TestApp::spawn().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let chunk = vec![b'a'; 1024 * 1024];
    let mut body = Vec::new();
    for _ in 0..20 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    for path in [
        "/sf/login",
        "/api/v1/ozon/download",
        "/sf/listing_sheet_import",
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            app.base
        );
        let (status, answer) = raw(&addr, &head, &body).await;
        assert!(status.contains("413"), "{path}: {status} {answer}");
        assert!(answer.contains("请求过大"), "{path}: {answer}");
    }
    // A small chunked body still works.
    let form = "username=nobody&password=whatever-1";
    let small = format!("{:x}\r\n{form}\r\n0\r\n\r\n", form.len());
    let head = format!(
        "POST /sf/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.base
    );
    let (status, answer) = raw(&addr, &head, small.as_bytes()).await;
    assert!(status.contains("200"), "{status} {answer}");
    assert!(answer.contains("用户名或密码错误"), "{answer}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_change_or_reset_ends_every_other_session() {
    let app = TestApp::spawn().await;
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let id = app.add_user("mia", Role::Staff, STAFF_PASSWORD).await;
    let laptop = app.client();
    let phone = app.client();
    app.login(&laptop, "mia", STAFF_PASSWORD).await;
    app.login(&phone, "mia", STAFF_PASSWORD).await;
    let (status, _) = app
        .call(
            &laptop,
            "password_change",
            &[("current", STAFF_PASSWORD), ("new", "mia-new-password-1")],
        )
        .await;
    assert_eq!(status, 200);
    let (_, me) = app.call(&laptop, "me", &[]).await;
    assert_eq!(me["name"], "mia", "the session that changed it goes on");
    let (_, me) = app.call(&phone, "me", &[]).await;
    assert_eq!(me, json!(null), "the other session is over");
    let page = phone.get(app.url("/")).send().await.expect("page");
    assert_eq!(page.status(), 303, "pages send it to sign in again");

    // An admin's reset ends all of mia's sessions.
    let admin = app.client();
    app.login(&admin, "admin", ADMIN_PASSWORD).await;
    let (status, _) = app
        .call(
            &admin,
            "users_reset_password",
            &[("id", &id.to_string()), ("password", "reset-by-admin-1")],
        )
        .await;
    assert_eq!(status, 200);
    let (_, me) = app.call(&laptop, "me", &[]).await;
    assert_eq!(me, json!(null));
    let (_, me) = app.call(&admin, "me", &[]).await;
    assert_eq!(me["name"], "admin");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ends_after_its_absolute_lifetime() {
    let app = TestApp::spawn().await;
    let id = app.add_user("noah", Role::Staff, STAFF_PASSWORD).await;
    let store = std::sync::Arc::new(shopbridge::auth::sessions::DbSessions::new(
        app.pool.clone(),
    ));
    let session = tower_sessions::Session::new(None, store, None);
    let now = shopbridge::common::clock::now_unix();
    session.insert("uid", id).await.expect("uid");
    session.insert("gen", 0i64).await.expect("gen");
    session.insert("until", now + 60).await.expect("until");
    let user = shopbridge::auth::guard::user_from_session(&app.pool, &session).await;
    assert_eq!(user.map(|u| u.name), Some("noah".to_string()));
    session.insert("until", now - 1).await.expect("until");
    let user = shopbridge::auth::guard::user_from_session(&app.pool, &session).await;
    assert!(user.is_none(), "past its lifetime, however active");
    // A session from before this rule (no lifetime recorded) is not trusted either.
    session.remove::<i64>("until").await.expect("remove");
    assert!(
        shopbridge::auth::guard::user_from_session(&app.pool, &session)
            .await
            .is_none()
    );
    app.stop().await;
}
