//! Import tasks of the simulated account: new cards, picture sets, and their status.

use super::*;

impl Catalog {
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
        let task_id = self.start_task(items);
        json!({"result": {"task_id": task_id}})
    }

    /// `/v2/product/pictures/import`: the whole set replaces the old one; re-sending the same
    /// URLs is reported `skipped`, as Ozon does.
    pub fn import_pictures(&mut self, body: &Value) -> Value {
        let mut items = Vec::new();
        for item in body["items"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            let mut urls: Vec<String> = item["primary_image"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .into_iter()
                .collect();
            for url in strings(&item["images"]) {
                if !urls.contains(&url) {
                    urls.push(url);
                }
            }
            let outcome = match self.find(&offer_id, None, None) {
                None => (
                    "failed",
                    json!([{"code": "offer_id_not_found", "message": "Product not found", "field": "offer_id", "level": "error"}]),
                ),
                Some(i) if self.products[i].external_images.as_ref() == Some(&urls) => {
                    ("skipped", json!([]))
                }
                Some(i) => {
                    self.products[i].external_images = Some(urls);
                    ("imported", json!([]))
                }
            };
            items.push((offer_id, outcome.0, outcome.1));
        }
        let task_id = self.start_task(items);
        json!({"task_id": task_id})
    }

    pub fn pictures_info(&self, body: &Value, base: &str) -> Value {
        let ids = ints(&body["product_id"]);
        let items: Vec<Value> = self
            .products
            .iter()
            .filter(|p| ids.contains(&p.product_id))
            .map(|p| json!({"product_id": p.product_id, "primary_photo": [], "photo": p.image_urls(base), "color_photo": [], "errors": []}))
            .collect();
        json!({"items": items})
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
