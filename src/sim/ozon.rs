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

use super::ozon_catalog::{Catalog, LoggedCall, SimConfig, WAREHOUSES};
use super::ozon_categories as categories;
use super::png::png_of_size;

mod cdn;
use cdn::image;

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

const ERRORS_FIXTURE: &str = include_str!("../../fixtures/ozon/errors.json");

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

/// Every method: credentials, rate limit, then the method itself; each call is logged.
async fn dispatch(
    State(sim): State<OzonSim>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let path = uri.path().to_string();
    sim.record(path.clone());
    let delay = sim
        .catalog
        .lock()
        .map(|mut c| c.delay_for(&path))
        .unwrap_or_default();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let json_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let response = if REMOVED.contains(&path.as_str()) || json_type {
        let raw: &[u8] = if body.is_empty() { b"{}" } else { &body };
        match serde_json::from_slice::<Value>(raw) {
            Ok(body) => answer(&sim, &path, &headers, body),
            Err(_) => {
                let body = json!({"code": 3, "message": "invalid character in request body", "details": []});
                (StatusCode::BAD_REQUEST, Json(body)).into_response()
            }
        }
    } else {
        fixture_error(400, 4)
    };
    let lost = match sim.catalog.lock() {
        Ok(mut catalog) => {
            catalog.log.push(LoggedCall {
                path: path.clone(),
                status: response.status().as_u16(),
            });
            catalog.lose_reply(&path)
        }
        Err(_) => false,
    };
    if lost {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    // Logged with its real status above; sent, in odd-shapes mode, perhaps inside HTTP 200.
    odd_status(&sim, response).await
}

fn answer(sim: &OzonSim, path: &str, headers: &HeaderMap, body: Value) -> Response {
    if REMOVED.contains(&path) {
        let body = json!({"code": 12, "message": "obsolete method cannot be used"});
        return (StatusCode::GONE, Json(body)).into_response();
    }
    let account = match sim.authenticate(headers) {
        Ok(account) => account,
        Err((status, code)) => return fixture_error(status, code),
    };
    if let Some(refused) = key_refusal(&account) {
        return refused;
    }
    // The gateway checks the body against the method's schema before anything else.
    let invalid = super::ozon_schema::request_errors(path, &body);
    if let Some(first) = invalid.first() {
        let message = format!("proto: invalid request body: {first}");
        let body = json!({"code": 3, "message": message, "details": []});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    let Ok(mut catalog) = sim.catalog.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(wait) = catalog.throttled(path) {
        let mut res = fixture_error(429, 8);
        res.headers_mut().insert("retry-after", wait.into());
        return res;
    }
    if path == "/v2/products/stocks" {
        if let Some(refused) = catalog.stocks_request_refusal(&account.client_id, &body) {
            return refused;
        }
    }
    if let Some(wait) = catalog.over_rate(&account.client_id) {
        let mut res = fixture_error(429, 8);
        let h = res.headers_mut();
        h.insert("retry-after", wait.into());
        h.insert("ratelimit-remaining", 0.into());
        return res;
    }
    let odd = catalog.odd_call();
    if odd.is_some_and(|n| n % super::ozon_odd::HTML_EVERY == 0) {
        // A gateway page before the call is carried out: the client must try again.
        let page = super::ozon_odd::HTML_PAGE;
        return (
            StatusCode::BAD_GATEWAY,
            [(axum::http::header::CONTENT_TYPE, "text/html")],
            page,
        )
            .into_response();
    }
    if let Some(fault) = catalog.fault() {
        let body = json!({"code": 13, "message": fault, "details": []});
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let base = format!("http://{host}");
    let reply = match path {
        "/v1/roles" => return roles_body(&account),
        "/v3/product/list" => catalog.product_list(&body),
        "/v3/product/info/list" => catalog.product_info(&body, &base),
        "/v1/product/import/prices" => catalog.import_prices(&body),
        "/v2/products/stocks" => catalog.update_stocks(&body),
        "/v5/product/info/prices" => catalog.prices_info(&body),
        "/v4/product/info/stocks" => catalog.stocks_info(&body),
        "/v3/product/import" => catalog.import_products(&body),
        "/v1/product/import/info" => catalog.import_info(&body),
        "/v2/warehouse/list" => {
            let list: Vec<Value> = WAREHOUSES
                .iter()
                .enumerate()
                .map(|(n, (id, name))| json!({"warehouse_id": id, "name": name, "status": "created", "is_rfbs": n == 1}))
                .collect();
            json!({"warehouses": list, "cursor": "", "has_next": false})
        }
        "/v2/product/pictures/import" => catalog.import_pictures(&body),
        "/v2/product/pictures/info" => catalog.pictures_info(&body, &base),
        "/v1/description-category/tree" => categories::tree(),
        "/v1/description-category/attribute" => {
            categories::attributes_requiring(&catalog.config.now_required)
        }
        "/v1/description-category/attribute/values" => {
            categories::values(&body, &catalog.config.withdrawn_values)
        }
        "/v1/description-category/attribute/values/search" => categories::search(&body),
        "/v4/product/info/limit" => catalog.limits(),
        "/v1/product/import-by-sku" => catalog.import_by_sku(&body),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut codes = Vec::new();
    item_error_codes(&reply, "", &mut codes);
    for (offer_id, code) in codes {
        catalog.item_errors.push((path.to_string(), offer_id, code));
    }
    let mut reply = reply;
    if let Some(n) = odd {
        super::ozon_odd::reshape(&mut reply, n);
    }
    Json(reply).into_response()
}

/// In odd-shapes mode, an error may come with HTTP 200 (every other one here): its body and
/// headers unchanged, so only a client that reads the body first gets it right.
async fn odd_status(sim: &OzonSim, response: Response) -> Response {
    let odd = sim
        .catalog
        .lock()
        .map(|c| c.config.odd_shapes)
        .unwrap_or(false);
    let status = response.status();
    if !odd || status.is_success() || status == StatusCode::GONE {
        return response;
    }
    let flip = sim.calls.lock().map(|c| c.len() % 2 == 0).unwrap_or(false);
    if !flip {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.status = StatusCode::OK;
    Response::from_parts(parts, body)
}

/// Every `(offer_id, code)` of a per-item error in an answer (inside `errors` arrays).
fn item_error_codes(value: &Value, offer_id: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            let offer_id = map
                .get("offer_id")
                .and_then(Value::as_str)
                .unwrap_or(offer_id);
            if let Some(Value::Array(errors)) = map.get("errors") {
                for e in errors {
                    if let Some(code) = e.get("code").and_then(Value::as_str) {
                        out.push((offer_id.to_string(), code.to_string()));
                    }
                }
            }
            for (key, v) in map {
                if key != "errors" {
                    item_error_codes(v, offer_id, out);
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| item_error_codes(v, offer_id, out)),
        _ => {}
    }
}
