//! Shared set-up of the listing pipeline tests: the app and a simulator both running 100 times
//! faster than the clock (Ozon's 30-second rule lasts 0.3 s), an admin with the demo
//! credential, the category cache filled, and drafts that pass the validator.

use std::time::Duration;

use serde_json::{json, Value};
use shopbridge::sim::ozon::catalog::SimConfig;
use shopbridge::sim::ozon::OzonSim;

use crate::helpers::TestApp;

pub const PASSWORD: &str = "correct horse battery";
pub const CATEGORY: i64 = 200_001_483;
pub const TYPE: i64 = 971_445_087;
pub const WAREHOUSE_A: i64 = 22_142_605_386_000;
pub const WAREHOUSE_B: i64 = 22_142_605_386_001;
pub const SCALE: f64 = 100.0;

pub struct Flow {
    pub app: TestApp,
    pub admin: reqwest::Client,
}

/// The app on a simulator with `config` (time scaled), `extra` variables on top.
pub async fn flow(config: SimConfig, extra: &[(&str, &str)]) -> Flow {
    let sim = OzonSim::demo_with(SimConfig {
        time_scale: SCALE,
        ..config
    });
    let mut vars = vec![
        ("SHOPBRIDGE_FETCH_ALLOW_PRIVATE", "true"),
        ("SHOPBRIDGE_LISTING_TIME_SCALE", "100"),
    ];
    vars.extend_from_slice(extra);
    let dir = tempfile::tempdir().expect("tempdir");
    let app = TestApp::spawn_with_sim(dir, sim, &vars).await;
    let admin = app.admin_with_credential(PASSWORD).await;
    let (status, body) = app
        .call(&admin, "listing_cache_refresh", &[("credential_id", "1")])
        .await;
    assert_eq!(status, 200, "{body}");
    Flow { app, admin }
}

impl Flow {
    /// A draft that passes the validator: one sim picture, stock in both warehouses.
    pub fn draft(&self, offer_id: &str, name: &str) -> Value {
        json!({
            "offer_id": offer_id,
            "name": name,
            "description_category_id": CATEGORY,
            "type_id": TYPE,
            "barcode": "4600051000057",
            "depth": "20", "width": "14", "height": "2", "dimension_unit": "cm",
            "weight": "300", "weight_unit": "g",
            "price": "500", "old_price": "", "vat": "0", "currency_code": "CNY",
            "attributes": [
                {"id": 9048, "values": [{"value": "Книга"}]},
                {"id": 22232, "values": [{"dictionary_value_id": 5_056_737}]}
            ],
            "images": [format!("{}/img/100001/1.png", self.app.sim_url)],
            "stocks": [
                {"warehouse_id": WAREHOUSE_A, "stock": "5"},
                {"warehouse_id": WAREHOUSE_B, "stock": "7"}
            ],
        })
    }

    /// Saves a draft through the editor's server function; answers its problems.
    pub async fn save(&self, draft: &Value) -> Value {
        let (status, problems) = self
            .app
            .call(
                &self.admin,
                "listing_draft_save",
                &[("credential_id", "1"), ("draft", &draft.to_string())],
            )
            .await;
        assert_eq!(status, 200, "{problems}");
        problems
    }

    pub async fn save_clean(&self, draft: &Value) {
        let problems = self.save(draft).await;
        assert_eq!(problems, json!([]), "{problems}");
    }

    /// Submits from the board; answers the per-product outcomes.
    pub async fn submit(&self, ids: &[&str]) -> Value {
        let (status, body) = self
            .app
            .call(
                &self.admin,
                "listing_submit",
                &[("offer_ids", &ids.join("\n"))],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn state(&self, offer_id: &str) -> Option<String> {
        sqlx::query_scalar("SELECT state FROM listing_products WHERE offer_id = $1")
            .bind(offer_id)
            .fetch_optional(&self.app.pool)
            .await
            .expect("state")
    }

    /// Waits (up to `secs`) until the product is in one of `states`; answers it.
    pub async fn wait_for(&self, offer_id: &str, states: &[&str], secs: u64) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let state = self.state(offer_id).await;
            if let Some(s) = state.as_deref().filter(|s| states.contains(s)) {
                return s.to_string();
            }
            if tokio::time::Instant::now() > deadline {
                let why = self.error(offer_id).await;
                panic!("{offer_id} stuck in {state:?} (error {why:?}), wanted {states:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn error(&self, offer_id: &str) -> Option<String> {
        sqlx::query_scalar("SELECT error FROM listing_products WHERE offer_id = $1")
            .bind(offer_id)
            .fetch_optional(&self.app.pool)
            .await
            .expect("error")
            .flatten()
    }

    /// Offer ids the simulator received in import requests, in order.
    pub fn imports(&self) -> Vec<String> {
        self.app
            .ozon_sim
            .catalog
            .lock()
            .map(|c| c.import_log.clone())
            .unwrap_or_default()
    }

    /// Per-item error codes the simulator answered.
    pub fn item_errors(&self) -> Vec<(String, String, String)> {
        self.app
            .ozon_sim
            .catalog
            .lock()
            .map(|c| c.item_errors.clone())
            .unwrap_or_default()
    }

    /// Asserts Ozon's limits were never hit: no 429 and no TOO_MANY_REQUESTS inside a 200.
    pub fn assert_no_throttling(&self) {
        assert_eq!(self.app.ozon_sim.count_status(429), 0, "429 answers");
        let throttled: Vec<_> = self
            .item_errors()
            .into_iter()
            .filter(|(_, _, code)| code == "TOO_MANY_REQUESTS")
            .collect();
        assert!(throttled.is_empty(), "{throttled:?}");
    }

    /// Every stored move of the product follows from the one before it.
    pub async fn assert_legal_timeline(&self, offer_id: &str) {
        use shopbridge::ozon::listing::pipeline::state::{allowed, State, Step};
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT from_state, to_state, step FROM listing_transitions WHERE offer_id = $1 ORDER BY id",
        )
        .bind(offer_id)
        .fetch_all(&self.app.pool)
        .await
        .expect("timeline");
        assert!(!rows.is_empty(), "{offer_id} has a timeline");
        let mut current = "Draft".to_string();
        let mut failed: Option<Step> = None;
        for (from, to, step) in rows {
            assert_eq!(
                from, current,
                "{offer_id}: a move starts where the last ended"
            );
            let (f, t) = (
                State::parse(&from).expect("from"),
                State::parse(&to).expect("to"),
            );
            assert!(
                allowed(f, t, failed),
                "{offer_id}: {from} → {to} is not allowed"
            );
            failed = if t == State::Error {
                step.as_deref().and_then(Step::parse)
            } else {
                None
            };
            current = to;
        }
    }
}
