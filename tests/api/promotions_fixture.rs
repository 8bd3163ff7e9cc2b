//! A connected Douyin account and helpers to make, fill and publish promotions over HTTP.

use std::time::Duration;

use serde_json::Value;

use crate::platforms_fixture::{platforms, Platforms};

pub struct Promo {
    pub p: Platforms,
    pub account: i64,
}

pub const MB: usize = 1024 * 1024;

/// The app and simulators at `scale`, with Douyin connected (and a 抖店 shop with `orders`).
pub async fn promo(scale: u32, orders: usize, extra: &[(&str, &str)]) -> Promo {
    let p = platforms(scale, 20, orders, extra).await;
    p.connect("douyin").await;
    let account: i64 =
        sqlx::query_scalar("SELECT id FROM platform_accounts WHERE platform = 'douyin'")
            .fetch_one(&p.app.pool)
            .await
            .expect("douyin account");
    Promo { p, account }
}

impl Promo {
    /// Saves a draft with these fields over the defaults; returns the answer.
    pub async fn save_with(&self, fields: &[(&str, &str)]) -> (u16, Value) {
        let account = self.account.to_string();
        let form: Vec<(String, String)> = [
            ("id", "0"),
            ("kind", "video"),
            ("account_id", account.as_str()),
            ("shop_row", "0"),
            ("title", "夏季新品"),
            ("body", "新品上市 #好物推荐"),
            ("mentions", ""),
            ("product_ids", ""),
            ("cover_tsp", ""),
            ("poi_id", ""),
            ("micro_app_id", ""),
            ("micro_app_title", ""),
            ("micro_app_url", ""),
            ("room_id", ""),
            ("publish_at", ""),
        ]
        .iter()
        .map(|(k, v)| {
            let v = fields
                .iter()
                .find(|(f, _)| f == k)
                .map(|(_, v)| *v)
                .unwrap_or(v);
            (format!("form[{k}]"), v.to_string())
        })
        .collect();
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.p
            .app
            .call(&self.p.admin, "promotion_save", &pairs)
            .await
    }

    pub async fn save(&self, fields: &[(&str, &str)]) -> i64 {
        let (status, body) = self.save_with(fields).await;
        assert_eq!(status, 200, "{body}");
        body.as_i64().expect("id")
    }

    /// Uploads one file in `field` as the admin; returns status and `{code, message}`.
    pub async fn upload(&self, id: i64, field: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part(field.to_string(), part);
        let res = self
            .p
            .admin
            .post(self.p.app.url(&format!("/promotions/{id}/media")))
            .header("accept", "application/json")
            .multipart(form)
            .send()
            .await
            .expect("upload");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn publish(&self, id: i64, confirm: bool) -> (u16, Value) {
        let id = id.to_string();
        let confirm = confirm.to_string();
        self.p
            .app
            .call(
                &self.p.admin,
                "promotion_publish",
                &[("id", id.as_str()), ("confirm", confirm.as_str())],
            )
            .await
    }

    /// Waits (up to 60 s) for promotion `id` to reach `state`; returns its state and error.
    pub async fn wait_state(&self, id: i64, state: &str) -> (String, String) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let now: (String, String) =
                sqlx::query_as("SELECT state, error FROM promotions WHERE id = $1")
                    .bind(id)
                    .fetch_one(&self.p.app.pool)
                    .await
                    .expect("promotion");
            if now.0 == state || tokio::time::Instant::now() > deadline {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The open_id of the connected account.
    pub async fn open_id(&self) -> String {
        self.p
            .text("SELECT external_id FROM platform_accounts WHERE platform = 'douyin'")
            .await
    }
}

/// A PNG's signature and some bytes: enough for ShopBridge's and the simulator's checks.
pub fn png(size: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    out.resize(size.max(out.len()), 7);
    out
}
