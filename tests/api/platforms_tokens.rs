//! Tokens that never lapse, with time scaled so that simulated months pass in seconds.

use std::time::Duration;

use crate::platforms_fixture::platforms;

/// Simulated seconds per real second: a day passes in 0.58 s. The scheduler refreshes 3 to 7
/// simulated days ahead, so it could stall for 1.7 s of real time without a lapse.
const SCALE: u32 = 150_000;
const DAY: i64 = 86_400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_lapses_over_60_simulated_days() {
    let scale = SCALE.to_string();
    let p = platforms(
        SCALE,
        20,
        10,
        &[
            ("SHOPBRIDGE_PLATFORM_SYNC_MINUTES", "1440"),
            ("SHOPBRIDGE_PLATFORM_TIME_SCALE", scale.as_str()),
        ],
    )
    .await;
    // Codes live 10 simulated minutes, 3 ms here: give the dance a simulated week.
    p.douyin.state.lock().expect("sim").code_life = 7 * DAY;
    p.doudian.state.lock().expect("sim").code_life = 7 * DAY;
    let page = p.connect("douyin").await;
    assert!(page.contains("已连接抖音"), "connected");
    let page = p.connect("doudian").await;
    assert!(page.contains("已连接抖店"), "connected");
    let start = p.douyin.clock.now();
    let mut checks = 0;
    while p.douyin.clock.now() - start < 60 * DAY {
        let now = p.douyin.clock.now();
        {
            let s = p.douyin.state.lock().expect("sim");
            let a = &s.accounts["sim-open-id-0001"];
            assert!(
                a.access_expires_at > now,
                "Douyin access token lapsed on day {}",
                (now - start) / DAY
            );
            assert!(
                a.refresh_expires_at > now,
                "Douyin refresh token lapsed on day {}",
                (now - start) / DAY
            );
        }
        assert!(
            p.doudian.access_valid_until() > now,
            "抖店 token lapsed on day {}",
            (now - start) / DAY
        );
        checks += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(checks > 100, "checked often: {checks}");
    let douyin_renewals: i64 =
        sqlx::query_scalar("SELECT renewals FROM platform_accounts WHERE platform = 'douyin'")
            .fetch_one(&p.app.pool)
            .await
            .expect("accounts");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM platform_accounts ORDER BY id")
            .fetch_all(&p.app.pool)
            .await
            .expect("accounts");
    let statuses = statuses.join(",");
    let sim_renewals = p.douyin.state.lock().expect("sim").accounts["sim-open-id-0001"].renewals;
    assert_eq!(douyin_renewals, sim_renewals, "every renewal counted");
    assert!(
        (1..=3).contains(&sim_renewals),
        "renewed before day 30 and again later: {sim_renewals}"
    );
    assert_eq!(statuses, "connected,connected");
    assert!(
        p.douyin.count("/oauth/refresh_token/", 0) >= 4,
        "access refreshed every ~12 days"
    );
    assert!(
        p.doudian.count("token.refresh", 10000) >= 8,
        "抖店 refreshed every ~5 days"
    );
    for (path, code) in [
        ("/oauth/refresh_token/", 10010),
        ("/oauth/renew_refresh_token/", 10020),
    ] {
        assert_eq!(p.douyin.count(path, code), 0, "{path} {code}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewals_stop_at_five_and_the_account_asks_for_a_new_authorisation() {
    let scale = 400_000u32;
    let s = scale.to_string();
    let p = platforms(
        scale,
        0,
        0,
        &[
            ("SHOPBRIDGE_PLATFORM_SYNC_MINUTES", "1440"),
            ("SHOPBRIDGE_PLATFORM_TIME_SCALE", s.as_str()),
        ],
    )
    .await;
    {
        let mut sim = p.douyin.state.lock().expect("sim");
        sim.code_life = 7 * DAY;
        // Refresh tokens that live 8 days: renewed every day, so five renewals come fast.
        sim.refresh_life = 8 * DAY;
    }
    p.connect("douyin").await;
    let start = p.douyin.clock.now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut saw_expiring = false;
    let status = loop {
        let page = p.html(&p.admin, "/platforms").await;
        saw_expiring |= page.contains("即将过期");
        let status = p.text("SELECT status FROM platform_accounts").await;
        if status == "reauth" || tokio::time::Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    };
    let days = (p.douyin.clock.now() - start) / DAY;
    assert_eq!(status, "reauth", "after {days} days");
    let renewals: i64 = sqlx::query_scalar("SELECT renewals FROM platform_accounts")
        .fetch_one(&p.app.pool)
        .await
        .expect("renewals");
    assert_eq!(renewals, 5);
    assert_eq!(p.douyin.count("/oauth/renew_refresh_token/", 0), 5);
    assert_eq!(
        p.douyin.count("/oauth/renew_refresh_token/", 10020),
        0,
        "no sixth renewal tried"
    );
    assert!(
        saw_expiring,
        "the page warned before the authorisation ran out"
    );
    let alerts: Vec<String> = sqlx::query_scalar("SELECT kind FROM listing_alerts ORDER BY id")
        .fetch_all(&p.app.pool)
        .await
        .expect("alerts");
    assert!(
        alerts.contains(&"platform_expiring".to_string()),
        "{alerts:?}"
    );
    assert!(
        alerts.contains(&"platform_reauth".to_string()),
        "{alerts:?}"
    );
}

#[tokio::test]
async fn two_refreshes_of_one_account_do_not_race() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    p.connect("douyin").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM platform_accounts")
        .fetch_one(&p.app.pool)
        .await
        .expect("id");
    let id = id.to_string();
    let form = [("id", id.as_str())];
    let one = p.app.call(&p.admin, "platforms_refresh", &form);
    let two = p.app.call(&p.admin, "platforms_refresh", &form);
    let ((s1, b1), (s2, b2)) = tokio::join!(one, two);
    assert_eq!((s1, s2), (200, 200), "{b1} {b2}");
    assert_eq!(
        p.douyin.count("/oauth/refresh_token/", 0),
        1,
        "one refresh; the other reused it"
    );
    // A later, separate click refreshes again.
    let (status, _) = p
        .app
        .call(&p.admin, "platforms_refresh", &[("id", &id)])
        .await;
    assert_eq!(status, 200);
    assert_eq!(p.douyin.count("/oauth/refresh_token/", 0), 2);
}

#[tokio::test]
async fn account_tokens_are_resealed_by_a_key_rotation_and_still_open() {
    let p = platforms(1, 0, 0, &[("SHOPBRIDGE_PLATFORM_SCHEDULER", "false")]).await;
    p.connect("douyin").await;
    let sealed_before = p
        .text("SELECT access_token_sealed FROM platform_accounts")
        .await;
    let sim_url = p.sim_url.clone();
    let douyin = p.douyin.clone();
    let dir = p.app.stop_keeping_data().await;
    let pool = shopbridge::server::db::open(&crate::helpers::test_config(dir.path()))
        .await
        .expect("db");
    let rotation = shopbridge::vault::rotate::rotate_master_key(
        &pool,
        &crate::helpers::test_config(dir.path()),
        None,
    )
    .await
    .expect("rotate");
    // The vault canary, two app secrets, and the account's two tokens.
    assert_eq!(rotation.resealed, 5);
    pool.close().await;

    let app = crate::helpers::TestApp::spawn_in(
        dir,
        &[
            ("SHOPBRIDGE_DOUYIN_API_URL", sim_url.as_str()),
            ("SHOPBRIDGE_PLATFORM_SCHEDULER", "false"),
        ],
    )
    .await;
    let sealed_after: String =
        sqlx::query_scalar("SELECT access_token_sealed FROM platform_accounts")
            .fetch_one(&app.pool)
            .await
            .expect("sealed");
    assert_ne!(sealed_before, sealed_after, "resealed under the new key");
    let admin = app.client();
    app.login(&admin, "admin", crate::helpers::ADMIN_PASSWORD)
        .await;
    let (status, body) = app.call(&admin, "platforms_refresh", &[("id", "1")]).await;
    assert_eq!(status, 200, "the refresh token opened and worked: {body}");
    assert_eq!(douyin.count("/oauth/refresh_token/", 0), 1);
}
