//! Import tasks of the simulated account: new cards, picture sets, and their status.

use super::*;

/// An import item's pictures in order: the primary one, then the others.
fn picture_urls(item: &Value) -> Vec<String> {
    let mut urls: Vec<String> = item["primary_image"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .into_iter()
        .collect();
    urls.extend(strings(&item["images"]));
    urls
}

/// A name holding this fails Ozon's attribute validation in the simulator.
pub const ATTRIBUTE_REFUSAL: &str = "属性不符";

impl Catalog {
    /// A card import, create or update as on Ozon: an item lacking attributes fails, a known
    /// offer_id's card is overwritten (recorded in `overwritten`), an item over the daily quota
    /// is `item_limit_exceeded`. Accepted
    /// cards exist at once (as on Ozon, which gives them a product_id straight away); the task
    /// reports them `imported` 5 simulated seconds later.
    pub fn import_products(&mut self, body: &Value) -> Value {
        self.roll_quota();
        let mut items = Vec::new();
        for item in body["items"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            self.import_log.push(offer_id.clone());
            let failed = |code: &str, message: &str, field: &str| {
                (
                    "failed",
                    json!([{"code": code, "message": message, "field": field, "level": "error"}]),
                )
            };
            let name = item["name"].as_str().unwrap_or_default().to_string();
            let outcome = if name.contains(ATTRIBUTE_REFUSAL) {
                // Ozon's own per-category attribute rules, which no client can check in advance:
                // the offer is listed with `is_created: false` and the error, as Ozon lists it.
                let errors = json!([{
                    "code": "error_attribute_values_empty", "field": "", "attribute_id": 22232,
                    "state": "new", "level": "ERROR_LEVEL_ERROR",
                    "texts": {"attribute_name": "ТН ВЭД коды ЕАЭС", "message": "Attribute value empty",
                              "description": "Это обязательное поле — без него нельзя продавать товар."}
                }]);
                self.refuse_card(&offer_id, &name, errors.clone());
                ("failed", errors)
            } else if item["attributes"].as_array().is_none_or(Vec::is_empty) {
                failed(
                    "missing_required_attribute",
                    "Required attribute is missing",
                    "attributes",
                )
            } else if let Some(i) = self.find(&offer_id, None, None) {
                // Create or update: an existing offer_id's card is overwritten by the resend.
                let p = &mut self.products[i];
                if !p.created {
                    p.created = true;
                    p.errors = json!([]);
                    p.made_at = Some(Instant::now());
                    self.created.1 += 1;
                }
                let p = &mut self.products[i];
                if let Some(name) = item["name"].as_str().filter(|n| !n.is_empty()) {
                    p.name = name.to_string();
                }
                let urls = picture_urls(&item);
                if !urls.is_empty() {
                    p.external_images = Some(urls);
                }
                if p.made_at.is_none() {
                    self.overwritten.push(offer_id.clone());
                }
                ("imported", json!([]))
            } else if self
                .config
                .daily_create
                .is_some_and(|max| self.created.1 >= max)
            {
                failed(
                    "item_limit_exceeded",
                    "Daily limit for creating items exceeded",
                    "",
                )
            } else {
                self.create_card(&offer_id, &name, Some(picture_urls(&item)));
                ("imported", json!([]))
            };
            items.push((offer_id, outcome.0, outcome.1));
        }
        let task_id = self.start_task(items);
        json!({"result": {"task_id": task_id}})
    }

    /// Copies another seller's card by SKU: SKUs outside `MARKET_SKUS` (our own included) are
    /// answered in `unmatched_sku_list`.
    pub fn import_by_sku(&mut self, body: &Value) -> Value {
        let mut unmatched = Vec::new();
        let mut items = Vec::new();
        for item in body["items"].as_array().cloned().unwrap_or_default() {
            let offer_id = item["offer_id"].as_str().unwrap_or_default().to_string();
            self.import_log.push(offer_id.clone());
            let sku = as_i64(&item["sku"]).unwrap_or(0);
            if !MARKET_SKUS.contains(&sku) {
                unmatched.push(sku);
                continue;
            }
            if self.find(&offer_id, None, None).is_some() {
                let errors = json!([{"code": "SPU_already_exists", "message": "SPU already exists", "field": "offer_id", "level": "error"}]);
                items.push((offer_id, "failed", errors));
                continue;
            }
            let name = item["name"].as_str().unwrap_or_default().to_string();
            self.create_card(&offer_id, &name, None);
            items.push((offer_id, "imported", json!([])));
        }
        let task_id = self.start_task(items);
        json!({"result": {"task_id": task_id, "unmatched_sku_list": unmatched}})
    }

    fn create_card(&mut self, offer_id: &str, name: &str, images: Option<Vec<String>>) {
        self.created.1 += 1;
        let n = self.products.len() as i64 + 1;
        let mut p = SimProduct::new(n, offer_id, 0);
        p.status = "moderating".into();
        p.price = None;
        if !name.is_empty() {
            p.name = name.to_string();
        }
        p.external_images = images;
        p.made_at = Some(Instant::now());
        self.products.push(p);
    }

    /// An offer whose import failed validation: it has an id, no card (`is_created: false`).
    fn refuse_card(&mut self, offer_id: &str, name: &str, errors: Value) {
        if let Some(i) = self.find(offer_id, None, None) {
            if !self.products[i].created {
                self.products[i].errors = errors;
            }
            return;
        }
        let n = self.products.len() as i64 + 1;
        let mut p = SimProduct::new(n, offer_id, 0);
        p.status = "failed_validation".into();
        p.price = None;
        p.name = name.to_string();
        p.created = false;
        p.errors = errors;
        self.products.push(p);
    }

    /// Starts a new quota window once the old one is over.
    fn roll_quota(&mut self) {
        let window = Duration::from_secs(self.config.quota_window_secs);
        if self.elapsed(self.created.0) >= window {
            self.created = (Instant::now(), 0);
        }
    }

    /// Cards created in the current quota window, and the real time until it resets
    /// (benchmarks compute their lower bound from it).
    pub fn quota_now(&mut self) -> (usize, Duration) {
        self.roll_quota();
        let window = Duration::from_secs(self.config.quota_window_secs);
        let left = window.saturating_sub(self.elapsed(self.created.0));
        let scale = self.config.time_scale.max(f64::MIN_POSITIVE);
        (self.created.1.max(0) as usize, left.div_f64(scale))
    }

    /// `/v4/product/info/limit`: usage of the window, and its reset in simulated time.
    pub fn limits(&mut self) -> Value {
        self.roll_quota();
        let window = self.config.quota_window_secs as i64;
        let sim_now = time::OffsetDateTime::now_utc()
            + time::Duration::seconds(self.elapsed(self.started).as_secs() as i64)
            - time::Duration::seconds(self.started.elapsed().as_secs() as i64);
        let reset = sim_now
            + time::Duration::seconds(window - self.elapsed(self.created.0).as_secs() as i64);
        let reset_at = reset
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        json!({
            "daily_create": {"usage": self.created.1, "limit": self.config.daily_create.unwrap_or(-1), "reset_at": reset_at},
            "daily_update": {"usage": 0, "limit": 5000, "reset_at": reset_at},
            "total": {"usage": self.products.len(), "limit": 252_000}
        })
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
