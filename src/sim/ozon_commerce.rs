//! Prices and stocks in the simulator, with Ozon's per-item rules answered inside HTTP 200.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::ozon_catalog::{as_i64, item_error, Catalog, WAREHOUSES};

impl Catalog {
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

    /// The products a cursor-paged read asks for: `filter.offer_id` (all when empty), `limit`
    /// (1..1000) from the position in `cursor`; answers them with the next cursor ("" at the end).
    fn cursor_page(&self, body: &Value) -> (Vec<&super::ozon_catalog::SimProduct>, String) {
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

    pub fn stocks_info(&self, body: &Value) -> Value {
        let (page, cursor) = self.cursor_page(body);
        let items: Vec<Value> = page.iter().map(|p| {
            let present: i64 = p.stocks.values().sum();
            json!({"product_id": p.product_id, "offer_id": p.offer_id, "stocks": [{"type": "fbs", "present": present, "reserved": 0, "sku": p.sku, "warehouse_ids": p.stocks.keys().collect::<Vec<_>>()}]})
        }).collect();
        json!({"items": items, "cursor": cursor, "total": self.products.len()})
    }
}
