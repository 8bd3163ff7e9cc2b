//! The simulator's seller account: products with images served by `/img/...`, prices and
//! stocks with Ozon's per-item rules, import tasks that move from `pending` to a final state,
//! request-rate limits and a request log. Time runs `time_scale` times faster than the clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

mod faults;
mod imports;
pub use imports::ATTRIBUTE_REFUSAL;

/// Knobs for a deterministic simulator.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// 1.0 is real time; 1000.0 makes Ozon's 30-second stock rule last 30 ms.
    pub time_scale: f64,
    /// Requests per second per Client-Id before 429; `None` is unlimited.
    pub rps: Option<u32>,
    pub image_bytes: usize,
    pub images_per_product: usize,
    /// Every Nth call answers 500 "Internal error".
    pub fail_every: Option<u32>,
    /// Every call answers 500 "Circle is open" (method blocked for a while).
    pub circle_open: bool,
    /// Added to every answer.
    pub latency: Duration,
    /// Calls to these paths never answer (for client timeouts).
    pub hang_paths: Vec<String>,
    /// When set, only the first N calls to `hang_paths` hang; later ones answer.
    pub hang_times: Option<usize>,
    /// The first N calls to these paths are carried out, then their answers never come (a
    /// crash or a timeout after Ozon took the request).
    pub lose_reply: Option<(String, usize)>,
    /// Image requests per second (all products) before 429 with `Retry-After: 1`.
    pub image_rps: Option<u32>,
    /// Attribute ids the attribute method reports as required on top of the recorded ones.
    pub now_required: Vec<i64>,
    /// Dictionary value ids Ozon has withdrawn (left out of `/attribute/values`).
    pub withdrawn_values: Vec<i64>,
    /// Added to every image answer.
    pub image_latency: Duration,
    /// Extra products `BULK-001`… with `images_per_product` images each (benchmarks).
    pub bulk_products: usize,
    /// Cards `/v3/product/import` may create per quota window (Ozon: 1500 a day); `None` is
    /// unlimited.
    pub daily_create: Option<i64>,
    /// The quota window in simulated seconds (a day).
    pub quota_window_secs: u64,
    /// The first N calls to this path answer 429 with `Retry-After` of this many (real)
    /// seconds, before doing anything: (path, N, seconds).
    pub throttle: Option<(String, usize, u64)>,
    /// Odd-but-legal answer shapes (`ozon_odd`); on by default when the environment says so.
    pub odd_shapes: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            time_scale: 1.0,
            rps: Some(50),
            image_bytes: 200_000,
            images_per_product: 3,
            fail_every: None,
            circle_open: false,
            latency: Duration::ZERO,
            hang_paths: Vec::new(),
            hang_times: None,
            lose_reply: None,
            image_rps: None,
            now_required: Vec::new(),
            withdrawn_values: Vec::new(),
            image_latency: Duration::ZERO,
            bulk_products: 0,
            daily_create: None,
            quota_window_secs: 86_400,
            throttle: None,
            odd_shapes: super::odd::from_env(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct SimProduct {
    pub product_id: i64,
    pub offer_id: String,
    pub sku: i64,
    pub name: String,
    pub images: usize,
    pub price: Option<String>,
    pub old_price: String,
    pub stocks: HashMap<i64, i64>,
    pub(super) last_stock_write: HashMap<i64, Instant>,
    pub(super) price_writes: Vec<Instant>,
    pub status: String,
    /// Image URLs set through `/v2/product/pictures/import`; they replace the generated ones.
    pub external_images: Option<Vec<String>>,
    /// `false` for an offer whose import failed Ozon's validation: `/v3/product/info/list`
    /// still lists it, with `is_created: false` and its `errors`.
    pub created: bool,
    pub errors: Value,
    /// When an import made the card: it reads back with `sku: 0` for its first simulated minute.
    pub made_at: Option<Instant>,
}

impl SimProduct {
    /// Imported URLs if any, else the simulator's own `/img/...` ones.
    pub fn image_urls(&self, base: &str) -> Vec<String> {
        self.external_images.clone().unwrap_or_else(|| {
            (1..=self.images)
                .map(|n| format!("{base}/img/{}/{n}.png", self.product_id))
                .collect()
        })
    }

    /// Names containing 拒审 are declined at moderation.
    pub fn moderate_status(&self) -> &'static str {
        if self.name.contains("拒审") {
            "declined"
        } else {
            "approved"
        }
    }

    pub fn new(n: i64, offer_id: &str, images: usize) -> Self {
        SimProduct {
            product_id: 100_000 + n,
            offer_id: offer_id.to_string(),
            sku: 200_000 + n,
            name: format!("模拟商品 {n}"),
            images,
            price: None,
            old_price: String::new(),
            stocks: HashMap::new(),
            last_stock_write: HashMap::new(),
            price_writes: Vec::new(),
            status: "price_sent".into(),
            external_images: None,
            created: true,
            errors: json!([]),
            made_at: None,
        }
    }
}

#[derive(Clone, Debug)]
struct Task {
    started: Instant,
    items: Vec<(String, &'static str, Value)>,
}

/// One entry of the request log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedCall {
    pub path: String,
    pub status: u16,
}

#[derive(Debug)]
pub struct Catalog {
    pub config: SimConfig,
    pub products: Vec<SimProduct>,
    tasks: HashMap<i64, Task>,
    next_task: i64,
    windows: HashMap<String, (Instant, u32)>,
    served: u32,
    pub log: Vec<LoggedCall>,
    image_hits: HashMap<String, u32>,
    /// Every offer_id sent to `/v3/product/import` or `/v1/product/import-by-sku`, in order.
    pub import_log: Vec<String>,
    /// offer_ids whose existing card an import overwrote (Ozon's import is create or update).
    pub overwritten: Vec<String>,
    /// Every per-item error code answered inside HTTP 200: (path, offer_id, code).
    pub item_errors: Vec<(String, String, String)>,
    /// Cards created in the current quota window, and when it started.
    created: (Instant, i64),
    /// When each account's recent `/v2/products/stocks` calls came (80 a minute).
    pub(super) stock_calls: HashMap<String, Vec<Instant>>,
    odd_calls: u32,
    started: Instant,
}

/// SKUs of other sellers' cards that `/v1/product/import-by-sku` can copy.
pub const MARKET_SKUS: std::ops::RangeInclusive<i64> = 300_001..=300_010;

/// Warehouses every simulated account has.
pub const WAREHOUSES: &[(i64, &str)] = &[
    (22_142_605_386_000, "深圳 FBS 仓"),
    (22_142_605_386_001, "莫斯科 rFBS 仓"),
];

impl Catalog {
    /// Five products `SB-001`…`SB-005`; the last has no images.
    pub fn seeded(config: SimConfig) -> Self {
        let images = config.images_per_product;
        let mut products: Vec<SimProduct> = (1..=5)
            .map(|n| SimProduct::new(n, &format!("SB-{n:03}"), if n == 5 { 0 } else { images }))
            .collect();
        for b in 1..=config.bulk_products as i64 {
            products.push(SimProduct::new(1000 + b, &format!("BULK-{b:03}"), images));
        }
        Catalog {
            config,
            products,
            tasks: HashMap::new(),
            next_task: 9_000_001,
            windows: HashMap::new(),
            served: 0,
            log: Vec::new(),
            image_hits: HashMap::new(),
            import_log: Vec::new(),
            item_errors: Vec::new(),
            overwritten: Vec::new(),
            created: (Instant::now(), 0),
            stock_calls: HashMap::new(),
            odd_calls: 0,
            started: Instant::now(),
        }
    }

    /// Adds a product with `images` generated images; returns it for further set-up.
    pub fn add_product(&mut self, offer_id: &str, images: usize) -> &mut SimProduct {
        let n = self.products.len() as i64 + 1;
        self.products.push(SimProduct::new(n, offer_id, images));
        let last = self.products.len() - 1;
        &mut self.products[last]
    }

    /// How many times the image at `path` was asked for (before this request).
    pub fn image_hit(&mut self, path: &str) -> u32 {
        let count = self.image_hits.entry(path.to_string()).or_insert(0);
        *count += 1;
        *count - 1
    }

    /// How many image requests `product_id/file` got (served past the rate limit).
    pub fn image_hits(&self, path: &str) -> u32 {
        self.image_hits.get(path).copied().unwrap_or(0)
    }

    /// Records a task whose items reach their outcome 5 simulated seconds from now.
    fn start_task(&mut self, items: Vec<(String, &'static str, Value)>) -> i64 {
        self.next_task += 1;
        let task = Task {
            started: Instant::now(),
            items,
        };
        self.tasks.insert(self.next_task, task);
        self.next_task
    }

    /// Simulated duration: real time multiplied by the time scale.
    fn elapsed(&self, since: Instant) -> Duration {
        since.elapsed().mul_f64(self.config.time_scale)
    }

    pub(super) fn find(
        &self,
        offer_id: &str,
        product_id: Option<i64>,
        sku: Option<i64>,
    ) -> Option<usize> {
        self.products.iter().position(|p| {
            (!offer_id.is_empty() && p.offer_id == offer_id)
                || product_id == Some(p.product_id)
                || sku == Some(p.sku)
        })
    }

    pub fn product_list(&self, body: &Value) -> Value {
        let offer_ids = strings(&body["filter"]["offer_id"]);
        let product_ids = ints(&body["filter"]["product_id"]);
        let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 1000) as usize;
        let start = body["last_id"]
            .as_str()
            .and_then(|s| s.parse::<usize>().ok())
            .unwrap_or(0);
        let matching: Vec<&SimProduct> = self
            .products
            .iter()
            .filter(|p| offer_ids.is_empty() || offer_ids.contains(&p.offer_id))
            .filter(|p| product_ids.is_empty() || product_ids.contains(&p.product_id))
            .collect();
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(limit)
            .map(|p| json!({"product_id": p.product_id, "offer_id": p.offer_id, "sku": p.sku, "archived": false, "has_fbo_stocks": false, "has_fbs_stocks": !p.stocks.is_empty(), "is_discounted": false, "quants": []}))
            .collect();
        let next = start + page.len();
        let last_id = if next < matching.len() {
            next.to_string()
        } else {
            String::new()
        };
        json!({"result": {"items": page, "total": matching.len(), "last_id": last_id}})
    }

    pub fn product_info(&self, body: &Value, base: &str) -> Value {
        let offer_ids = strings(&body["offer_id"]);
        let product_ids = ints(&body["product_id"]);
        let skus = ints(&body["sku"]);
        let items: Vec<Value> = self
            .products
            .iter()
            .filter(|p| offer_ids.contains(&p.offer_id) || product_ids.contains(&p.product_id) || skus.contains(&p.sku))
            .map(|p| {
                let urls = p.image_urls(base);
                let fresh = p.made_at.is_some_and(|at| self.elapsed(at) < Duration::from_secs(60));
                let sku = if !p.created || fresh { 0 } else { p.sku };
                json!({
                    "id": p.product_id, "offer_id": p.offer_id, "sku": sku, "name": p.name,
                    "primary_image": urls.iter().take(1).collect::<Vec<_>>(), "images": urls, "color_image": [],
                    "currency_code": "CNY", "price": p.price.clone().unwrap_or_default(), "old_price": p.old_price,
                    "min_price": "", "vat": "0.00", "barcodes": [], "is_archived": false,
                    "statuses": {"status": p.status, "moderate_status": if p.created { p.moderate_status() } else { "" },
                                 "validation_status": if p.created { "success" } else { "fail" }, "is_created": p.created},
                    "errors": p.errors,
                })
            })
            .collect();
        json!({"items": items})
    }
}

pub(super) fn item_error(
    offer_id: &str,
    product_id: i64,
    warehouse: Option<i64>,
    code: &str,
    message: &str,
) -> Value {
    let mut v = json!({"product_id": product_id, "offer_id": offer_id, "updated": false, "errors": [{"code": code, "message": message}]});
    if let Some(w) = warehouse {
        v["warehouse_id"] = json!(w);
    }
    v
}

pub(super) fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(as_i64).collect())
        .unwrap_or_default()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
