//! Connecting Douyin accounts and 抖店 shops against the simulators: the dance, sealed tokens,
//! and every way a callback can be wrong.

use crate::helpers::{captured_logs, ADMIN_PASSWORD};
use crate::platforms_fixture::{platforms, query_param};
use shopbridge::auth::Role;

#[tokio::test]
async fn douyin_dance_seals_tokens_and_shows_the_account_connected() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    let url = p.start(&p.admin, "douyin").await;
    assert!(
        url.starts_with(&format!("{}/platform/oauth/connect/?", p.sim_url)),
        "{url}"
    );
    assert_eq!(query_param(&url, "client_key"), "tt-demo-client-key");
    assert_eq!(query_param(&url, "response_type"), "code");
    assert_eq!(
        query_param(&url, "scope"),
        "user_info,renew_refresh_token,video.create.bind,video.data.bind"
    );
    assert_eq!(
        query_param(&url, "redirect_uri"),
        "http://127.0.0.1:3000/oauth/douyin/callback"
    );
    assert!(
        query_param(&url, "state").len() >= 40,
        "a long random state"
    );
    assert!(!url.contains("client_secret") && !url.contains("douyin-demo-client-secret"));

    let back = p.approve(&url).await;
    assert!(back.starts_with("/oauth/douyin/callback?code="), "{back}");
    let (to, page) = p.callback(&p.admin, &back).await;
    assert_eq!(to, "/platforms");
    assert!(page.contains("已连接抖音「小店主播」"), "success shown");
    assert!(
        !page.contains("演示模式"),
        "no demo banner outside `shopbridge demo`"
    );
    assert!(page.contains("已连接") && page.contains("sim-open-id-0001"));

    let (open_id, scope, status, access_at, refresh_at): (String, String, String, i64, i64) = sqlx::query_as(
        "SELECT external_id, scope, status, access_expires_at, refresh_expires_at FROM platform_accounts",
    )
    .fetch_one(&p.app.pool)
    .await
    .expect("account stored");
    assert_eq!(
        (open_id.as_str(), status.as_str()),
        ("sim-open-id-0001", "connected")
    );
    assert!(scope.contains("video.create.bind"));
    let now = shopbridge::common::clock::now_unix();
    assert!((access_at - now - 15 * 86_400).abs() < 60, "15 days");
    assert!((refresh_at - now - 30 * 86_400).abs() < 60, "30 days");

    // The tokens are sealed: neither is anywhere in the database file, the page or the logs.
    let (access, refresh) = {
        let s = p.douyin.state.lock().expect("sim");
        let a = &s.accounts["sim-open-id-0001"];
        (a.access_token.clone(), a.refresh_token.clone())
    };
    let db = crate::helpers::stored_text(&p.app.pool, p.app.dir.path()).await;
    assert!(db.contains("sim-open-id-0001"), "the stored text was read");
    for token in [&access, &refresh] {
        assert!(
            !db.contains(token.as_str()),
            "token in plaintext in the db file"
        );
        assert!(!page.contains(token.as_str()));
        assert!(
            !captured_logs().contains(token.as_str()),
            "token in the logs"
        );
    }
    let sealed: String = sqlx::query_scalar("SELECT access_token_sealed FROM platform_accounts")
        .fetch_one(&p.app.pool)
        .await
        .expect("sealed");
    assert!(!sealed.is_empty() && !sealed.contains("act."));
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'platform_connect'")
            .fetch_one(&p.app.pool)
            .await
            .expect("audit");
    assert_eq!(audit, 1);
    assert!(!captured_logs().contains("douyin-demo-client-secret-0001"));
    // Nor in any JSON the pages read.
    for endpoint in ["platforms_overview", "shops_list", "platform_apps_list"] {
        let (status, body) = p.app.call(&p.admin, endpoint, &[]).await;
        assert_eq!(status, 200, "{endpoint}: {body}");
        let body = body.to_string();
        for secret in [
            &access,
            &refresh,
            &"douyin-demo-client-secret-0001".to_string(),
        ] {
            assert!(!body.contains(secret.as_str()), "{endpoint} leaks a secret");
        }
    }
}

#[tokio::test]
async fn forged_foreign_replayed_and_expired_states_are_refused() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    let refused = "state 不匹配或已被使用";
    // Forged.
    let code = p.douyin.issue_code("sim-open-id-0001", "user_info");
    let (_, page) = p
        .callback(
            &p.admin,
            &format!("/oauth/douyin/callback?code={code}&state=forged-state"),
        )
        .await;
    assert!(page.contains(refused), "forged state refused");
    // Without any state.
    let (_, page) = p
        .callback(&p.admin, &format!("/oauth/douyin/callback?code={code}"))
        .await;
    assert!(page.contains(refused));
    // Another admin's session cannot use this admin's state.
    p.app.add_user("admin2", Role::Admin, ADMIN_PASSWORD).await;
    let other = p.app.client();
    p.app.login(&other, "admin2", ADMIN_PASSWORD).await;
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    let (_, page) = p.callback(&other, &back).await;
    assert!(page.contains(refused), "a state is bound to its session");
    // Replayed: the first use works, the second is refused.
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(page.contains("已连接抖音"), "first use connects");
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(page.contains(refused), "replay refused");
    // Expired: a state older than 10 minutes.
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    sqlx::query("UPDATE oauth_states SET created_at = created_at - 601 WHERE used_at IS NULL")
        .execute(&p.app.pool)
        .await
        .expect("age");
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(page.contains("授权请求已过期（超过 10 分钟）"));
    // Staff may not connect, and anonymous visitors go to the login page.
    p.app.add_user("staff", Role::Staff, ADMIN_PASSWORD).await;
    let staff = p.app.client();
    p.app.login(&staff, "staff", ADMIN_PASSWORD).await;
    let res = staff
        .get(p.app.url("/oauth/douyin/start"))
        .send()
        .await
        .expect("start");
    assert_eq!(res.status().as_u16(), 403);
    let res = p
        .app
        .client()
        .get(p.app.url(&back))
        .send()
        .await
        .expect("callback");
    assert_eq!(crate::platforms_fixture::location(&res), "/login");
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM platform_accounts")
        .fetch_one(&p.app.pool)
        .await
        .expect("count");
    assert_eq!(accounts, 1, "only the one good callback connected");
}

#[tokio::test]
async fn replayed_and_expired_codes_and_errors_inside_http_200_are_shown_in_chinese() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    // A code used once already.
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(page.contains("已连接抖音"));
    let code = query_param(&format!("http://x{back}"), "code");
    let state = query_param(&p.start(&p.admin, "douyin").await, "state");
    let (_, page) = p
        .callback(
            &p.admin,
            &format!("/oauth/douyin/callback?code={code}&state={state}"),
        )
        .await;
    assert!(
        page.contains("抖音授权失败：抖音返回错误 10007：授权码已过期或已使用"),
        "replayed code"
    );
    // An expired code.
    p.douyin.state.lock().expect("sim").code_life = -1;
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(page.contains("10007"), "expired code");
    p.douyin.state.lock().expect("sim").code_life = 600;
    // A platform error inside HTTP 200.
    p.douyin.state.lock().expect("sim").fail_next = Some(10013);
    let url = p.start(&p.admin, "douyin").await;
    let back = p.approve(&url).await;
    let (_, page) = p.callback(&p.admin, &back).await;
    assert!(
        page.contains("client_key 或 client_secret 错误"),
        "error in 200 explained"
    );
    // The user said no on Douyin's page.
    let state = query_param(&p.start(&p.admin, "douyin").await, "state");
    let (_, page) = p
        .callback(
            &p.admin,
            &format!("/oauth/douyin/callback?error=access_denied&error_description=%E7%94%A8%E6%88%B7%E6%8B%92%E7%BB%9D&state={state}"),
        )
        .await;
    assert!(page.contains("抖音授权未完成：用户拒绝"));
    // A disabled app cannot start a connection.
    let (status, _) = p
        .app
        .call(
            &p.admin,
            "platform_apps_update",
            &[
                ("platform", "douyin"),
                ("app_key", "tt-demo-client-key"),
                ("app_secret", ""),
            ],
        )
        .await;
    assert_eq!(status, 200);
    let res = p
        .admin
        .get(p.app.url("/oauth/douyin/start"))
        .send()
        .await
        .expect("start");
    assert_eq!(crate::platforms_fixture::location(&res), "/platforms");
    let page = p.html(&p.admin, "/platforms").await;
    assert!(page.contains("抖音应用尚未启用"));
}

#[tokio::test]
async fn a_doudian_shop_is_authorised_through_the_service_market_and_synced() {
    let p = platforms(1, 230, 40, &[]).await;
    let url = p.start(&p.admin, "doudian").await;
    assert!(
        url.starts_with(&format!("{}/authorize?service_id=880001&state=", p.sim_url)),
        "{url}"
    );
    let page = p.connect("doudian").await;
    assert!(page.contains("已连接抖店「测试店铺」"), "success shown");
    let shop: (String, String) = sqlx::query_as("SELECT shop_id, shop_name FROM shops")
        .fetch_one(&p.app.pool)
        .await
        .expect("shop");
    assert_eq!(shop, ("12312312".to_string(), "测试店铺".to_string()));
    // The scheduler starts the first sync at once.
    assert_eq!(
        p.wait_count("SELECT COUNT(*) FROM shop_products", 230)
            .await,
        230
    );
    assert_eq!(
        p.wait_count("SELECT COUNT(*) FROM shop_orders", 40).await,
        40
    );
    assert_eq!(p.doudian.count("token.create", 10000), 1);
    assert_eq!(
        p.doudian.count("product.listV2", 30001),
        0,
        "every request is signed right"
    );
    let html = p.html(&p.admin, "/shops").await;
    assert!(html.contains("测试店铺") && html.contains("12312312"));
}

/// Douyin refuses an authorize request whose redirect_uri is not the app's configured URL
/// (10006) or that asks for a scope the app was not approved for, before the user sees it. The
/// app's own request passes both checks.
#[tokio::test]
async fn the_authorize_page_refuses_a_foreign_redirect_or_an_unapproved_scope() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    let url = p.start(&p.admin, "douyin").await;
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let ours = plain.get(&url).send().await.expect("page");
    assert_eq!(
        ours.status().as_u16(),
        200,
        "the app's own request is accepted"
    );
    let mut parsed = reqwest::Url::parse(&url).expect("url");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let with = |name: &str, value: &str| {
        let mut u = parsed.clone();
        u.query_pairs_mut().clear().extend_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.as_str(), if k == name { value } else { v.as_str() })),
        );
        u.to_string()
    };
    for (name, value, want) in [
        (
            "redirect_uri",
            "https://evil.example.com/oauth/douyin/callback",
            "10006",
        ),
        (
            "redirect_uri",
            "http://127.0.0.1:3000/oauth/douyin/callback/../x",
            "10006",
        ),
        ("scope", "user_info,im.message", "10004"),
    ] {
        let res = plain.get(with(name, value)).send().await.expect("page");
        assert_eq!(res.status().as_u16(), 400, "{name}={value}");
        let page = res.text().await.expect("html");
        assert!(page.contains(want) && !page.contains("approve"), "{page}");
    }
    parsed.set_query(None);
    p.app.stop().await;
}
