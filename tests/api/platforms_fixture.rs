//! The app with Douyin and 抖店 simulators on loopback, an admin, and both platform apps enabled.

use std::time::Duration;

use reqwest::header::LOCATION;
use shopbridge::auth::Role;
use shopbridge::sim::doudian::{self, DoudianSim};
use shopbridge::sim::douyin::{self, DouyinSim};
use shopbridge::sim::serve_router;

use crate::helpers::{TestApp, ADMIN_PASSWORD};

pub struct Platforms {
    pub app: TestApp,
    pub douyin: DouyinSim,
    pub doudian: DoudianSim,
    pub admin: reqwest::Client,
    pub sim_url: String,
}

/// Sims at `scale`, a shop with `products` and `orders`, `extra` config on top.
pub async fn platforms(
    scale: u32,
    products: usize,
    orders: usize,
    extra: &[(&str, &str)],
) -> Platforms {
    let douyin = DouyinSim::new(scale);
    let doudian = DoudianSim::new(scale, products, orders);
    let addr = serve_router(
        "127.0.0.1:0".parse().expect("addr"),
        douyin.router().merge(doudian.router()),
    )
    .await
    .expect("platform simulator");
    let sim_url = format!("http://{addr}");
    let scale = scale.to_string();
    let mut vars = vec![
        ("SHOPBRIDGE_DOUYIN_API_URL", sim_url.as_str()),
        ("SHOPBRIDGE_DOUDIAN_API_URL", sim_url.as_str()),
        ("SHOPBRIDGE_DOUDIAN_AUTH_URL", sim_url.as_str()),
        ("SHOPBRIDGE_PLATFORM_TIME_SCALE", scale.as_str()),
        ("SHOPBRIDGE_DOUDIAN_RPS", "200"),
        ("SHOPBRIDGE_LISTING_WORKER", "false"),
    ];
    vars.extend_from_slice(extra);
    let app = TestApp::spawn_with(&vars).await;
    doudian.set_callback(&app.url("/oauth/doudian/callback"));
    // The Douyin app's configured redirect: the app's SHOPBRIDGE_PUBLIC_URL (the default here).
    douyin.set_redirect_uri("http://127.0.0.1:3000/oauth/douyin/callback");
    app.add_user("admin", Role::Admin, ADMIN_PASSWORD).await;
    let admin = app.client();
    app.login(&admin, "admin", ADMIN_PASSWORD).await;
    for (platform, key, secret, sid) in [
        (
            "douyin",
            douyin::DEMO_CLIENT_KEY,
            douyin::DEMO_CLIENT_SECRET,
            "",
        ),
        (
            "doudian",
            doudian::DEMO_APP_KEY,
            doudian::DEMO_APP_SECRET,
            doudian::DEMO_SERVICE_ID,
        ),
    ] {
        let (status, body) = app
            .call(
                &admin,
                "platform_apps_update",
                &[
                    ("platform", platform),
                    ("enabled", "on"),
                    ("app_key", key),
                    ("app_secret", secret),
                    ("service_id", sid),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    Platforms {
        app,
        douyin,
        doudian,
        admin,
        sim_url,
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

pub fn query_param(url: &str, name: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default()
}

impl Platforms {
    /// `GET /oauth/{platform}/start` as `client`: the platform URL it redirects to.
    pub async fn start(&self, client: &reqwest::Client, platform: &str) -> String {
        let res = client
            .get(self.app.url(&format!("/oauth/{platform}/start")))
            .send()
            .await
            .expect("start");
        assert_eq!(res.status().as_u16(), 303, "start redirects");
        location(&res)
    }

    /// Approves on the simulator's authorize page; returns the callback path and query.
    pub async fn approve(&self, authorize_url: &str) -> String {
        let plain = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page = plain
            .get(authorize_url)
            .send()
            .await
            .expect("authorize page");
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.expect("html");
        let start = html.find("id=\"approve\" href=\"").expect("approve link") + 19;
        let href = html[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .replace("&amp;", "&");
        let res = plain
            .get(format!("{}{href}", self.sim_url))
            .send()
            .await
            .expect("approve");
        let back = location(&res);
        let parsed = reqwest::Url::parse(&back).expect("callback url");
        format!("{}?{}", parsed.path(), parsed.query().unwrap_or_default())
    }

    /// Sends `client` to the callback; returns where the app sent it and the 平台 page's text.
    pub async fn callback(
        &self,
        client: &reqwest::Client,
        path_and_query: &str,
    ) -> (String, String) {
        let res = client
            .get(self.app.url(path_and_query))
            .send()
            .await
            .expect("callback");
        let to = location(&res);
        let page = self.html(client, "/platforms").await;
        (to, page)
    }

    /// The whole dance for `platform` as the admin; returns the 平台 page.
    pub async fn connect(&self, platform: &str) -> String {
        let url = self.start(&self.admin, platform).await;
        let back = self.approve(&url).await;
        let (to, page) = self.callback(&self.admin, &back).await;
        assert_eq!(to, "/platforms");
        page
    }

    /// The HTML of `path` as `client` sees it.
    pub async fn html(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.app.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html")
    }

    /// One text value from the database (the single account's status, say).
    pub async fn text(&self, sql: &str) -> String {
        sqlx::query_scalar(sql)
            .fetch_one(&self.app.pool)
            .await
            .expect("query")
    }

    /// Waits until `sql` (a COUNT) reaches `want`, or 60 s pass; returns the last count.
    pub async fn wait_count(&self, sql: &str, want: i64) -> i64 {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let n: i64 = sqlx::query_scalar(sql)
                .fetch_one(&self.app.pool)
                .await
                .expect("count");
            if n >= want || tokio::time::Instant::now() > deadline {
                return n;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Starts a sync of the one shop and waits until it ended (orders done, or products failed).
pub async fn sync_now(p: &Platforms) {
    let shop: i64 = sqlx::query_scalar("SELECT id FROM shops")
        .fetch_one(&p.app.pool)
        .await
        .expect("shop");
    sqlx::query("UPDATE shop_sync SET finished_at = NULL")
        .execute(&p.app.pool)
        .await
        .expect("reset marker");
    let (status, body) = p
        .app
        .call(&p.admin, "shops_sync", &[("id", &shop.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.as_str().unwrap_or_default().contains("已开始同步"),
        "{body}"
    );
    // Done when orders have an end recorded, or products failed (orders then do not run).
    let done = p
        .wait_count(
            "SELECT COUNT(*) FROM shop_sync WHERE finished_at IS NOT NULL \
             AND (kind = 'orders' OR ok = FALSE)",
            1,
        )
        .await;
    assert_eq!(done, 1, "the sync ended within 60 s");
}
