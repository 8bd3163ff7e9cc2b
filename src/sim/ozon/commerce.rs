//! Prices and stocks in the simulator, with Ozon's per-item rules answered inside HTTP 200.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::catalog::{as_i64, item_error, Catalog, WAREHOUSES};

/// `/v2/products/stocks` calls a minute per account.
const STOCK_CALLS_PER_MINUTE: usize = 80;
/// Pairs per `/v2/products/stocks` request.
const STOCK_PAIRS: usize = 100;

impl Catalog {
    /// A stocks request Ozon refuses whole: over 100 pairs (400), or the account's 81st call
    /// within a minute (429 with `Retry-After`).
    pub fn stocks_request_refusal(
        &mut self,
        client_id: &str,
        body: &Value,
    ) -> Option<axum::response::Response> {
        use axum::response::IntoResponse;
        let pairs = body["stocks"].as_array().map_or(0, Vec::len);
        if pairs > STOCK_PAIRS {
            let body = json!({"code": 3, "message": format!("stocks: value must contain at most {STOCK_PAIRS} items"), "details": []});
            return Some((axum::http::StatusCode::BAD_REQUEST, axum::Json(body)).into_response());
        }
        let minute = Duration::from_secs(60);
        let calls = self.stock_calls.entry(client_id.to_string()).or_default();
        calls.retain(|at| at.elapsed() < minute);
        if calls.len() >= STOCK_CALLS_PER_MINUTE {
            let wait = calls
                .first()
                .map(|at| minute.saturating_sub(at.elapsed()).as_secs() + 1)
                .unwrap_or(1);
            let mut res = super::fixture_error(429, 8);
            res.headers_mut().insert("retry-after", wait.into());
            return Some(res);
        }
        calls.push(Instant::now());
        None
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
            let stock = as_i64(&item["stock"]).unwrap_or(-1);
            let product_id = as_i64(&item["product_id"]).unwrap_or(0);
            if product_id != self.products[i].product_id {
                // Ozon needs the card's real product_id (not 0, not another card's).
                result.push(item_error(
                    &offer_id,
                    product_id,
                    Some(warehouse),
                    "PRODUCT_NOT_FOUND",
                    "product_id is required and must belong to offer_id",
                ));
                continue;
            }
            if !(0..1_000_000).contains(&stock) {
                result.push(item_error(
                    &offer_id,
                    product_id,
                    Some(warehouse),
                    "INVALID_STOCK",
                    "stock must be from 0 to 999999",
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
            p.stocks.insert(warehouse, stock);
            result.push(json!({"warehouse_id": warehouse, "product_id": p.product_id, "offer_id": p.offer_id, "updated": true, "errors": []}));
        }
        json!({"result": result})
    }

    /// The products a cursor-paged read asks for: `filter.offer_id` (all when empty), `limit`
    /// (1..1000) from the position in `cursor`; answers them with the next cursor ("" at the end).
    fn cursor_page(&self, body: &Value) -> (Vec<&super::catalog::SimProduct>, String) {
        let wanted: Vec<&str> = body["filter"]["offer_id"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let limit = as_i64(&body["limit"]).unwrap_or(1000).clamp(1, 1000) as usize;
        let from = body["cursor"]
            .as_str()
            .and_then(|c| c.parse::<usize>().ok())
            .unwrap_or(0);
        let matching: Vec<_> = self
            .products
            .iter()
            .filter(|p| wanted.is_empty() || wanted.contains(&p.offer_id.as_str()))
            .collect();
        let page: Vec<_> = matching.iter().skip(from).take(limit).copied().collect();
        let next = if from + page.len() < matching.len() {
            (from + page.len()).to_string()
        } else {
            String::new()
        };
        (page, next)
    }

    pub fn prices_info(&self, body: &Value) -> Value {
        let (page, cursor) = self.cursor_page(body);
        let items: Vec<Value> = page.iter().map(|p| {
            // v5 sends numbers.
            let price: Value = match p.price.as_deref().and_then(|s| s.parse::<f64>().ok()) {
                Some(x) if x.fract() == 0.0 => Value::from(x as i64),
                Some(x) => Value::from(x),
                None => Value::from(0),
            };
            json!({"product_id": p.product_id, "offer_id": p.offer_id, "price": {"price": price, "currency_code": "CNY", "vat": 0.0}})
        }).collect();
        json!({"items": items, "cursor": cursor, "total": self.products.len()})
    }

    /// One row per stock type, as Ozon reads them back: `fbs` and `rfbs` hold what the seller
    /// wrote to its own warehouses, with `present` including the units reserved by orders (the
    /// simulator keeps one unit reserved on any FBS stock); `fbo` (Ozon's warehouses, 40 units
    /// the seller never wrote) and `fbp` come too.
    pub fn stocks_info(&self, body: &Value) -> Value {
        let (page, cursor) = self.cursor_page(body);
        let items: Vec<Value> = page.iter().map(|p| {
            let of = |rfbs: bool| -> (i64, Vec<i64>) {
                let mut ids = Vec::new();
                let mut sum = 0;
                for (id, _, is_rfbs) in WAREHOUSE_KINDS {
                    if *is_rfbs == rfbs {
                        if let Some(n) = p.stocks.get(id) {
                            sum += n;
                            ids.push(*id);
                        }
                    }
                }
                (sum, ids)
            };
            let (fbs, fbs_ids) = of(false);
            let (rfbs, rfbs_ids) = of(true);
            let reserved = i64::from(fbs > 0);
            json!({"product_id": p.product_id, "offer_id": p.offer_id, "stocks": [
                {"type": "fbs", "present": fbs + reserved, "reserved": reserved, "sku": p.sku, "warehouse_ids": fbs_ids, "shipment_type": "SHIPMENT_TYPE_GENERAL"},
                {"type": "rfbs", "present": rfbs, "reserved": 0, "sku": p.sku, "warehouse_ids": rfbs_ids, "shipment_type": "SHIPMENT_TYPE_GENERAL"},
                {"type": "fbo", "present": 40, "reserved": 2, "sku": p.sku, "warehouse_ids": [], "shipment_type": "SHIPMENT_TYPE_GENERAL"},
                {"type": "fbp", "present": 0, "reserved": 0, "sku": p.sku, "warehouse_ids": [], "shipment_type": "SHIPMENT_TYPE_GENERAL"}
            ]})
        }).collect();
        json!({"items": items, "cursor": cursor, "total": self.products.len()})
    }
}

/// The simulated account's warehouses with whether each is rFBS.
const WAREHOUSE_KINDS: &[(i64, &str, bool)] = &[
    (WAREHOUSES[0].0, WAREHOUSES[0].1, false),
    (WAREHOUSES[1].0, WAREHOUSES[1].1, true),
];
