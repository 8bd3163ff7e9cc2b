//! The Ozon Seller API as the simulator plays it. Errors use the exact envelopes recorded in
//! `fixtures/ozon/errors.json`: 401 code 16 without headers, 400 code 3 for a bad Client-Id,
//! 404 code 5 for an unknown key, 403 code 7 for a missing role or an IP restriction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::png::png_of_size;
use catalog::{Catalog, LoggedCall, SimConfig, WAREHOUSES};

pub mod catalog;
pub mod categories;
mod cdn;
pub mod commerce;
pub mod odd;
pub mod schema;
use cdn::image;

mod answer;
use answer::dispatch;

/// Methods the simulator serves.
pub const METHODS: &[&str] = &[
    "/v1/roles",
    "/v3/product/list",
    "/v3/product/info/list",
    "/v1/product/import/prices",
    "/v2/products/stocks",
    "/v5/product/info/prices",
    "/v4/product/info/stocks",
    "/v3/product/import",
    "/v1/product/import/info",
    "/v1/product/import-by-sku",
    "/v2/warehouse/list",
    "/v4/product/info/limit",
    "/v2/product/pictures/import",
    "/v2/product/pictures/info",
    "/v1/description-category/tree",
    "/v1/description-category/attribute",
    "/v1/description-category/attribute/values",
    "/v1/description-category/attribute/values/search",
];

/// Methods Ozon has switched off: 410 "obsolete method cannot be used".
pub const REMOVED: &[&str] = &[
    "/v2/product/import",
    "/v1/product/pictures/import",
    "/v1/warehouse/list",
    "/v2/product/info",
    "/v4/product/info/prices",
];

const ERRORS_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/ozon/errors.json"
));

/// How an account's key behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyBehaviour {
    Normal,
    MissingRole,
    IpRestricted,
    Deactivated,
}

#[derive(Clone, Debug)]
pub struct SimAccount {
    pub client_id: String,
    pub api_key: String,
    pub roles: Vec<String>,
    pub expires_at: String,
    pub behaviour: KeyBehaviour,
}

/// The simulator's state: the accounts it knows and every call it served (for assertions).
#[derive(Clone)]
pub struct OzonSim {
    accounts: Arc<Mutex<HashMap<String, SimAccount>>>,
    pub calls: Arc<Mutex<Vec<String>>>,
    pub catalog: Arc<Mutex<Catalog>>,
}

impl Default for OzonSim {
    fn default() -> Self {
        OzonSim {
            accounts: Arc::default(),
            calls: Arc::default(),
            catalog: Arc::new(Mutex::new(Catalog::seeded(SimConfig::default()))),
        }
    }
}

impl OzonSim {
    /// The demo accounts with a catalog run by `config`.
    pub fn demo_with(config: SimConfig) -> Self {
        let sim = Self::demo();
        if let Ok(mut catalog) = sim.catalog.lock() {
            *catalog = Catalog::seeded(config);
        }
        sim
    }

    /// How many logged calls answered `status`.
    pub fn count_status(&self, status: u16) -> usize {
        self.catalog
            .lock()
            .map(|c| c.log.iter().filter(|l| l.status == status).count())
            .unwrap_or(0)
    }

    pub fn with_accounts(accounts: Vec<SimAccount>) -> Self {
        let sim = OzonSim::default();
        if let Ok(mut map) = sim.accounts.lock() {
            for account in accounts {
                map.insert(account.api_key.clone(), account);
            }
        }
        sim
    }

    /// Demo accounts: one healthy key, one expiring in 5 days, one lacking a role, one
    /// IP-restricted. Any other key is answered as invalid.
    pub fn demo() -> Self {
        let now = time::OffsetDateTime::now_utc();
        let at = |days: i64| rfc3339(now + time::Duration::days(days));
        let account = |client_id: &str, key: &str, days: i64, behaviour| SimAccount {
            client_id: client_id.into(),
            api_key: key.into(),
            roles: vec!["Admin".into(), "Product".into()],
            expires_at: at(days),
            behaviour,
        };
        Self::with_accounts(vec![
            account(
                "100001",
                "ozon-demo-valid-key-0001",
                90,
                KeyBehaviour::Normal,
            ),
            account(
                "100002",
                "ozon-demo-expiring-key-0002",
                5,
                KeyBehaviour::Normal,
            ),
            account(
                "100003",
                "ozon-demo-norole-key-0003",
                90,
                KeyBehaviour::MissingRole,
            ),
            account(
                "100004",
                "ozon-demo-iplock-key-0004",
                90,
                KeyBehaviour::IpRestricted,
            ),
        ])
    }

    pub fn router(&self) -> Router {
        let mut router = Router::new().route("/img/{product_id}/{file}", get(image));
        for path in METHODS.iter().chain(REMOVED) {
            router = router.route(path, post(dispatch));
        }
        router.with_state(self.clone())
    }

    fn record(&self, call: String) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
    }

    /// The account the headers name, or the (status, gRPC code) of the error Ozon gives.
    fn authenticate(&self, headers: &HeaderMap) -> Result<SimAccount, (u16, i64)> {
        let client_id = headers.get("client-id").and_then(|v| v.to_str().ok());
        let api_key = headers.get("api-key").and_then(|v| v.to_str().ok());
        let (Some(client_id), Some(api_key)) = (client_id, api_key) else {
            return Err((401, 16));
        };
        if client_id.parse::<u64>().map(|n| n == 0).unwrap_or(true) {
            return Err((400, 3));
        }
        let account = self
            .accounts
            .lock()
            .ok()
            .and_then(|map| map.get(api_key).cloned())
            .filter(|a| a.client_id == client_id);
        account.ok_or((404, 5))
    }
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// An error body from the fixtures, matched by HTTP status and gRPC code.
pub fn fixture_error(status: u16, code: i64) -> Response {
    let fixtures: Value = serde_json::from_str(ERRORS_FIXTURE).unwrap_or(Value::Null);
    let body = fixtures["responses"]
        .as_array()
        .and_then(|all| {
            all.iter().find(|r| {
                r["http_status"].as_u64() == Some(u64::from(status))
                    && r["body"]["code"].as_i64() == Some(code)
            })
        })
        .map(|r| r["body"].clone())
        .unwrap_or_else(
            || json!({"code": code, "message": "simulator: no fixture", "details": []}),
        );
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

/// A documented message from the fixtures' list of errors common to all methods.
fn documented_message(key: &str) -> String {
    let fixtures: Value = serde_json::from_str(ERRORS_FIXTURE).unwrap_or(Value::Null);
    let documented = fixtures["documented_error_messages_all_methods"]
        .as_object()
        .and_then(|map| map.keys().find(|k| k.contains(key)).cloned());
    documented.unwrap_or_else(|| key.to_string())
}

fn permission_denied(message_key: &str) -> Response {
    let body = json!({"code": 7, "message": documented_message(message_key), "details": []});
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

/// A key missing a role, restricted to other IPs, deactivated or expired is refused on every
/// method with 403 and its reason, as Ozon refuses it (not only on `/v1/roles`).
fn key_refusal(account: &SimAccount) -> Option<Response> {
    let expired = time::OffsetDateTime::parse(
        &account.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .is_ok_and(|at| at <= time::OffsetDateTime::now_utc());
    match account.behaviour {
        KeyBehaviour::MissingRole => Some(permission_denied("missing a required role")),
        KeyBehaviour::IpRestricted => Some(permission_denied("restricted to specific IP")),
        KeyBehaviour::Deactivated => Some(permission_denied("is deactivated")),
        // Ozon's wording for an expired key is not documented; the simulator says it plainly.
        KeyBehaviour::Normal if expired => {
            let body = json!({"code": 7, "message": "Api-Key has expired, generate a new one", "details": []});
            Some((StatusCode::FORBIDDEN, Json(body)).into_response())
        }
        KeyBehaviour::Normal => None,
    }
}

fn roles_body(account: &SimAccount) -> Response {
    match key_refusal(account) {
        Some(refused) => refused,
        None => {
            let roles: Vec<Value> = account
                .roles
                .iter()
                .map(|name| json!({"name": name, "methods": METHODS}))
                .collect();
            Json(json!({"expires_at": account.expires_at, "roles": roles})).into_response()
        }
    }
}
