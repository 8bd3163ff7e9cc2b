//! 抖店 as the simulator plays it: the service-market authorize page (redirects back with a code
//! and the state), the signed gateway (a bad sign is refused), `token/create` and
//! `token/refresh` (7-day access, 14-day refresh, in simulated time), `product/listV2` (pages
//! from 1, ≤ 100 a page, page × size ≤ 10,000, filtered by update time with both boundary
//! seconds excluded) and `order/searchList` (pages from 0, windows in seconds, amounts in fen,
//! `create_time` descending unless `order_by`/`order_asc` say otherwise). Bodies are built from
//! the fixtures; every answer is HTTP 200 with `code` 10000 or an error, `data: null` on errors.
//!
//! Errors are the platform's base table ("平台基础错误码汇总", `wire/field-facts-2026-12.md`):
//! 40001 `isv.signature-missing` / `isv.access-token-missing`, 40003 `isv.signature-invalid`,
//! `isv.timestamp-invalid`, `isv.timestamp-format-error`, `isv.access-token-expired`,
//! `isv.access-token-no-existed`, `isv.parameter-format-invalid`, 30001
//! `dop.authorization-no-existed` for a shop that took its authorisation back, 50001
//! `dop.token-generate-failed:*` for a bad code or an expired refresh token, 60000 throttled
//! above `rps` calls a second. `fail_next` answers any refusal once (30002, 10001, 20000…).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::clock::Clock;
use crate::douyin::sign::{method_of, sign, SignMethod};

mod lists;
mod pages;
use lists::{list_products, search_orders, token_create, token_refresh};
use pages::{approve, authorize_page, image};

mod gateway;
use gateway::gateway;
pub mod volume;

pub const DEMO_APP_KEY: &str = "7000000000000000001";
pub const DEMO_APP_SECRET: &str = "doudian-demo-app-secret-0001";
pub const DEMO_SERVICE_ID: &str = "880001";

pub(super) const TOKEN_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/doudian_token_create_SYNTHESIZED.json"
));
const PRODUCT_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/doudian_product_listV2_SYNTHESIZED.json"
));
const ORDER_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/doudian_order_searchList_SYNTHESIZED.json"
));

pub struct SimShop {
    pub shop_id: String,
    pub name: String,
    pub products: Vec<Value>,
    pub orders: Vec<Value>,
}

pub struct DoudianState {
    pub shops: Vec<SimShop>,
    pub callback: String,
    codes: HashMap<String, (String, i64, bool)>,
    access: HashMap<String, (String, i64)>,
    refresh: HashMap<String, (String, i64)>,
    counter: u64,
    /// Calls per real second before throttling (0 = never).
    pub rps: u32,
    window: (Instant, u32),
    /// The next N gateway calls are throttled.
    pub throttle_next: u32,
    /// The next gateway call (after the checks) answers this refusal.
    pub fail_next: Option<Refusal>,
    /// Shops whose merchant took the app's authorisation back (30001 on every call).
    pub revoked: Vec<String>,
    /// Real delay before each list answer.
    pub delay: Duration,
    pub access_life: i64,
    pub refresh_life: i64,
    /// Seconds an authorisation code stays usable.
    pub code_life: i64,
    /// Every gateway call: method and answered code.
    pub log: Vec<(String, i64)>,
}

#[derive(Clone)]
pub struct DoudianSim {
    pub state: Arc<Mutex<DoudianState>>,
    pub clock: Clock,
}

pub(super) fn fixture(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .map(|v| v["response"].clone())
        .unwrap_or(Value::Null)
}

impl DoudianSim {
    /// One demo shop with `products` products and `orders` orders spread over the last days.
    pub fn new(time_scale: u32, products: usize, orders: usize) -> Self {
        let clock = Clock::new(time_scale);
        let sim = DoudianSim {
            state: Arc::new(Mutex::new(DoudianState {
                shops: vec![SimShop {
                    shop_id: "12312312".into(),
                    name: "测试店铺".into(),
                    products: Vec::new(),
                    orders: Vec::new(),
                }],
                callback: "http://127.0.0.1:3000/oauth/doudian/callback".into(),
                codes: HashMap::new(),
                access: HashMap::new(),
                refresh: HashMap::new(),
                counter: 0,
                rps: 0,
                window: (Instant::now(), 0),
                throttle_next: 0,
                fail_next: None,
                revoked: Vec::new(),
                delay: Duration::ZERO,
                access_life: 7 * 86_400,
                refresh_life: 14 * 86_400,
                code_life: 600,
                log: Vec::new(),
            })),
            clock,
        };
        let now = sim.clock.now();
        sim.add_products(0, products, now - 30 * 86_400, 60);
        sim.add_orders(0, orders, now - 10 * 86_400, 600);
        sim
    }

    pub fn set_callback(&self, url: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.callback = url.to_string();
        }
    }

    /// Adds `n` products updated from `from`, `step` seconds apart.
    pub fn add_products(&self, shop: usize, n: usize, from: i64, step: i64) {
        let template = fixture(PRODUCT_FIXTURE)["data"]["data"][0].clone();
        let Ok(mut s) = self.state.lock() else { return };
        let Some(shop) = s.shops.get_mut(shop) else {
            return;
        };
        let start = shop.products.len();
        for i in start..start + n {
            let mut p = template.clone();
            let t = from + (i - start) as i64 * step;
            p["product_id"] = json!(3_539_925_204_000_000_000i64 + i as i64);
            p["name"] = json!(format!("示例商品 {i:05} 号 夏季新款"));
            p["outer_product_id"] = json!(format!("SKU-{i:05}"));
            p["create_time"] = json!(t);
            p["update_time"] = json!(t);
            shop.products.push(p);
        }
    }

    /// Adds `n` orders created and updated from `from`, `step` seconds apart.
    pub fn add_orders(&self, shop: usize, n: usize, from: i64, step: i64) {
        let template = fixture(ORDER_FIXTURE)["data"]["shop_order_list"][0].clone();
        let Ok(mut s) = self.state.lock() else { return };
        let Some(shop) = s.shops.get_mut(shop) else {
            return;
        };
        let start = shop.orders.len();
        for i in start..start + n {
            let mut o = template.clone();
            let t = from + (i - start) as i64 * step;
            let id = 6_920_000_000_000_000_000u64 + (i as u64) * 10;
            o["order_id"] = json!(id.to_string());
            o["create_time"] = json!(t);
            o["pay_time"] = json!(t + 60);
            o["update_time"] = json!(t + 100);
            o["pay_amount"] = json!(1000 + (i % 50) as i64 * 100);
            o["order_status"] = json!([2, 3, 5, 105][i % 4]);
            o["order_status_desc"] = json!(["备货中", "已发货", "已完成", "已支付"][i % 4]);
            if let Some(line) = o["sku_order_list"].get_mut(0) {
                line["order_id"] = json!((id + 1).to_string());
                line["parent_order_id"] = json!(id.to_string());
                line["product_id"] = json!(3_539_925_204_000_000_000i64 + (i % 7) as i64);
                line["product_name"] = json!(format!("示例商品 {:05} 号 夏季新款", i % 7));
                line["pay_amount"] = json!(1000 + (i % 50) as i64 * 100);
                line["video_id"] = json!(if i % 3 == 0 {
                    format!("v0200sim{i:05}")
                } else {
                    String::new()
                });
                line["room_id"] = json!(if i % 3 == 1 { 7_000_000 + i as i64 } else { 0 });
                line["author_id"] = json!(if i % 3 == 2 { 4_000_000 + i as i64 } else { 0 });
            }
            shop.orders.push(o);
        }
    }

    /// Attributes orders `range` of `shop` to a short video (`video_id`) or a live room
    /// (`room_id`); `at` moves their update time so the next incremental sync takes them.
    pub fn attribute_orders(
        &self,
        shop: usize,
        range: std::ops::Range<usize>,
        video_id: &str,
        room_id: i64,
        at: Option<i64>,
    ) {
        let Ok(mut s) = self.state.lock() else { return };
        let Some(shop) = s.shops.get_mut(shop) else {
            return;
        };
        for o in shop.orders.iter_mut().skip(range.start).take(range.len()) {
            if let Some(at) = at {
                o["update_time"] = json!(at);
            }
            if let Some(line) = o["sku_order_list"].get_mut(0) {
                line["video_id"] = json!(video_id);
                line["room_id"] = json!(room_id);
                line["author_id"] = json!(0);
            }
        }
    }

    /// Touches product `i` of `shop`: a new name and update time `at`.
    pub fn update_product(&self, shop: usize, i: usize, name: &str, at: i64) {
        if let Ok(mut s) = self.state.lock() {
            if let Some(p) = s.shops.get_mut(shop).and_then(|s| s.products.get_mut(i)) {
                p["name"] = json!(name);
                p["update_time"] = json!(at);
            }
        }
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/authorize", get(authorize_page))
            .route("/authorize/approve", get(approve))
            .route("/doudian-img/{file}", get(image))
            .route("/token/create", post(gateway))
            .route("/token/refresh", post(gateway))
            .route("/product/listV2", post(gateway))
            .route("/order/searchList", post(gateway))
            .with_state(self.clone())
    }

    /// Every access token issued so far lapses now (a refresh brings a new one).
    /// The merchant cancels the app's authorisation for `shop_id`.
    pub fn revoke(&self, shop_id: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.revoked.push(shop_id.to_string());
        }
    }

    pub fn expire_access_tokens(&self) {
        let now = self.clock.now();
        if let Ok(mut s) = self.state.lock() {
            s.access.values_mut().for_each(|v| v.1 = now - 1);
        }
    }

    /// Every refresh token lapses now: the merchant must authorise again.
    pub fn expire_refresh_tokens(&self) {
        let now = self.clock.now();
        if let Ok(mut s) = self.state.lock() {
            s.refresh.values_mut().for_each(|v| v.1 = now - 1);
        }
    }

    /// The latest expiry among the access tokens of the first shop (simulated time).
    pub fn access_valid_until(&self) -> i64 {
        self.state
            .lock()
            .map(|s| s.access.values().map(|v| v.1).max().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Gateway calls of `method` that answered `code`.
    pub fn count(&self, method: &str, code: i64) -> usize {
        self.state
            .lock()
            .map(|s| {
                s.log
                    .iter()
                    .filter(|(m, c)| m == method && *c == code)
                    .count()
            })
            .unwrap_or(0)
    }
}

pub type Refusal = (i64, &'static str, &'static str);
pub(super) const BAD_PARAM: Refusal = (40003, "isv.parameter-format-invalid", "参数错误");
