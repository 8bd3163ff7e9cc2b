//! The simulator's seller account: products with images served by `/img/...`, prices and
//! stocks with Ozon's per-item rules, import tasks that move from `pending` to a final state,
//! request-rate limits and a request log. Time runs `time_scale` times faster than the clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Knobs for a deterministic simulator.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// 1.0 is real time; 1000.0 makes Ozon's 30-second stock rule last 30 ms.
    pub time_scale: f64,
    /// Requests per second per Client-Id before 429; `None` is unlimited.
    pub rps: Option<u32>,
    pub image_bytes: usize,
    pub images_per_product: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            time_scale: 1.0,
            rps: Some(50),
            image_bytes: 200_000,
            images_per_product: 3,
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
    last_stock_write: HashMap<i64, Instant>,
    price_writes: Vec<Instant>,
    pub status: String,
}

impl SimProduct {
    fn new(n: i64, offer_id: &str, images: usize) -> Self {
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
    pub log: Vec<LoggedCall>,
}

/// Warehouses every simulated account has.
pub const WAREHOUSES: &[(i64, &str)] = &[
    (22_142_605_386_000, "深圳 FBS 仓"),
    (22_142_605_386_001, "莫斯科 rFBS 仓"),
];

impl Catalog {
    /// Five products `SB-001`…`SB-005`; the last has no images.
    pub fn seeded(config: SimConfig) -> Self {
        let images = config.images_per_product;
        let products = (1..=5)
            .map(|n| SimProduct::new(n, &format!("SB-{n:03}"), if n == 5 { 0 } else { images }))
            .collect();
        Catalog {
            config,
            products,
            tasks: HashMap::new(),
            next_task: 9_000_001,
            windows: HashMap::new(),
            log: Vec::new(),
        }
    }

    /// Simulated duration: real time multiplied by the time scale.
    fn elapsed(&self, since: Instant) -> Duration {
        since.elapsed().mul_f64(self.config.time_scale)
    }

    /// `Some(retry_after_secs)` when this Client-Id is over its requests per second.
    pub fn over_rate(&mut self, client_id: &str) -> Option<u64> {
        let rps = self.config.rps?;
        let now = Instant::now();
        let entry = self
            .windows
            .entry(client_id.to_string())
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(1) {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1 > rps).then_some(1)
    }

    fn find(&self, offer_id: &str, product_id: Option<i64>, sku: Option<i64>) -> Option<usize> {
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
                let urls: Vec<String> = (1..=p.images).map(|n| format!("{base}/img/{}/{n}.png", p.product_id)).collect();
                json!({
                    "id": p.product_id, "offer_id": p.offer_id, "sku": p.sku, "name": p.name,
                    "primary_image": urls.iter().take(1).collect::<Vec<_>>(), "images": urls, "color_image": [],
                    "currency_code": "CNY", "price": p.price.clone().unwrap_or_default(), "old_price": p.old_price,
                    "min_price": "", "vat": "0.00", "barcodes": [], "is_archived": false,
                    "statuses": {"status": p.status, "moderate_status": "approved", "validation_status": "success", "is_created": true},
                    "errors": [],
                })
            })
            .collect();
        json!({"items": items})
    }

    /// Prices: at most 10 per simulated hour per product; errors inside HTTP 200.
    pub fn import_prices(&mut self, body: &Value) -> Value {
        let hour = Duration::from_secs(3600);
        let scale = self.config.time_scale;
        let mut result = Vec::new();
        for item in body["prices"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            let Some(i) = self.find(&offer_id, item["product_id"].as_i64(), None) else {
                result.push(item_error(
                    &offer_id,
                    0,
                    None,
                    "offer_id_not_found",
                    "Product not found",
                ));
                continue;
            };
            let p = &mut self.products[i];
            p.price_writes
                .retain(|at| at.elapsed().mul_f64(scale) < hour);
            if p.price_writes.len() >= 10 {
                result.push(item_error(
                    &p.offer_id,
                    p.product_id,
                    None,
                    "TOO_MANY_REQUESTS",
                    "error limiting: acquire limit per item: items limit: limit exceeded",
                ));
                continue;
            }
            p.price_writes.push(Instant::now());
            p.price = item["price"].as_str().map(str::to_string);
            p.old_price = item["old_price"].as_str().unwrap_or_default().to_string();
            result.push(json!({"product_id": p.product_id, "offer_id": p.offer_id, "updated": true, "errors": []}));
        }
        json!({"result": result})
    }

    /// Stocks: refused before a price is sent, and the same pair at most once per 30 s.
    pub fn update_stocks(&mut self, body: &Value) -> Value {
        let scale = self.config.time_scale;
        let mut result = Vec::new();
        for item in body["stocks"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            let warehouse = as_i64(&item["warehouse_id"]).unwrap_or(0);
            let Some(i) = self.find(&offer_id, as_i64(&item["product_id"]), None) else {
                result.push(item_error(
                    &offer_id,
                    0,
                    Some(warehouse),
                    "offer_id_not_found",
                    "Product not found",
                ));
                continue;
            };
            if !WAREHOUSES.iter().any(|(id, _)| *id == warehouse) {
                result.push(item_error(
                    &offer_id,
                    self.products[i].product_id,
                    Some(warehouse),
                    "WAREHOUSE_NOT_FOUND",
                    "Warehouse not found",
                ));
                continue;
            }
            let p = &mut self.products[i];
            if p.price.is_none() {
                result.push(item_error(
                    &p.offer_id,
                    p.product_id,
                    Some(warehouse),
                    "PRICE_IS_NOT_SENT",
                    "Price is not sent",
                ));
                continue;
            }
            let recent = p
                .last_stock_write
                .get(&warehouse)
                .is_some_and(|at| at.elapsed().mul_f64(scale) < Duration::from_secs(30));
            if recent {
                result.push(item_error(
                    &p.offer_id,
                    p.product_id,
                    Some(warehouse),
                    "TOO_MANY_REQUESTS",
                    "Stock is updated too frequently",
                ));
                continue;
            }
            p.last_stock_write.insert(warehouse, Instant::now());
            p.stocks
                .insert(warehouse, item["stock"].as_i64().unwrap_or(0));
            result.push(json!({"warehouse_id": warehouse, "product_id": p.product_id, "offer_id": p.offer_id, "updated": true, "errors": []}));
        }
        json!({"result": result})
    }

    pub fn prices_info(&self) -> Value {
        let items: Vec<Value> = self.products.iter().map(|p| {
            // v5 sends numbers.
            let price: Value = match p.price.as_deref().and_then(|s| s.parse::<f64>().ok()) {
                Some(x) if x.fract() == 0.0 => Value::from(x as i64),
                Some(x) => Value::from(x),
                None => Value::from(0),
            };
            json!({"product_id": p.product_id, "offer_id": p.offer_id, "price": {"price": price, "currency_code": "CNY", "vat": 0.0}})
        }).collect();
        json!({"items": items, "cursor": "", "total": self.products.len()})
    }

    pub fn stocks_info(&self) -> Value {
        let items: Vec<Value> = self.products.iter().map(|p| {
            let present: i64 = p.stocks.values().sum();
            json!({"product_id": p.product_id, "offer_id": p.offer_id, "stocks": [{"type": "fbs", "present": present, "reserved": 0, "sku": p.sku, "warehouse_ids": p.stocks.keys().collect::<Vec<_>>()}]})
        }).collect();
        json!({"items": items, "cursor": "", "total": self.products.len()})
    }

    /// A new card import: an item lacking attributes fails, a known offer_id is
    /// `SPU_already_exists`, the rest are imported once the task has run (5 simulated seconds).
    pub fn import_products(&mut self, body: &Value) -> Value {
        let mut items = Vec::new();
        for item in body["items"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            let outcome = if item["attributes"].as_array().is_none_or(Vec::is_empty) {
                (
                    "failed",
                    json!([{"code": "missing_required_attribute", "message": "Required attribute is missing", "field": "attributes", "level": "error"}]),
                )
            } else if self.find(&offer_id, None, None).is_some() {
                (
                    "failed",
                    json!([{"code": "SPU_already_exists", "message": "SPU already exists", "field": "offer_id", "level": "error"}]),
                )
            } else {
                ("imported", json!([]))
            };
            items.push((offer_id, outcome.0, outcome.1));
        }
        self.next_task += 1;
        self.tasks.insert(
            self.next_task,
            Task {
                started: Instant::now(),
                items,
            },
        );
        json!({"result": {"task_id": self.next_task}})
    }

    pub fn import_info(&mut self, body: &Value) -> Value {
        let task_id = as_i64(&body["task_id"]).unwrap_or(0);
        let Some(task) = self.tasks.get(&task_id).cloned() else {
            return json!({"result": {"items": [], "total": 0}});
        };
        let done = self.elapsed(task.started) >= Duration::from_secs(5);
        let mut items = Vec::new();
        for (offer_id, status, errors) in task.items {
            let mut product_id = 0;
            if done && status == "imported" {
                let n = self.products.len() as i64 + 1;
                if self.find(&offer_id, None, None).is_none() {
                    let mut p = SimProduct::new(n, &offer_id, 0);
                    p.status = "moderating".into();
                    self.products.push(p);
                }
                product_id = self
                    .find(&offer_id, None, None)
                    .map(|i| self.products[i].product_id)
                    .unwrap_or(0);
            }
            let shown = if done { status } else { "pending" };
            items.push(json!({"offer_id": offer_id, "product_id": product_id, "status": shown, "errors": if done { errors } else { json!([]) }}));
        }
        json!({"result": {"items": items, "total": items.len()}})
    }
}

fn item_error(
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

fn as_i64(v: &Value) -> Option<i64> {
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
