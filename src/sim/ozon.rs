//! The Ozon Seller API as the simulator plays it. Errors use the exact envelopes recorded in
//! `fixtures/ozon/errors.json`: 401 code 16 without headers, 400 code 3 for a bad Client-Id,
//! 404 code 5 for an unknown key, 403 code 7 for a missing role or an IP restriction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

const ERRORS_FIXTURE: &str = include_str!("../../fixtures/ozon/errors.json");

/// How an account's key behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyBehaviour {
    Normal,
    MissingRole,
    IpRestricted,
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
#[derive(Clone, Default)]
pub struct OzonSim {
    accounts: Arc<Mutex<HashMap<String, SimAccount>>>,
    pub calls: Arc<Mutex<Vec<String>>>,
}

impl OzonSim {
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
        Router::new()
            .route("/v1/roles", post(roles))
            .with_state(self.clone())
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

async fn roles(State(sim): State<OzonSim>, headers: HeaderMap) -> Response {
    sim.record("/v1/roles".into());
    let account = match sim.authenticate(&headers) {
        Ok(account) => account,
        Err((status, code)) => return fixture_error(status, code),
    };
    match account.behaviour {
        KeyBehaviour::MissingRole => permission_denied("missing a required role"),
        KeyBehaviour::IpRestricted => permission_denied("restricted to specific IP"),
        KeyBehaviour::Normal => {
            let roles: Vec<Value> = account
                .roles
                .iter()
                .map(|name| json!({"name": name, "methods": ["/v3/product/list", "/v3/product/info/list"]}))
                .collect();
            Json(json!({"expires_at": account.expires_at, "roles": roles})).into_response()
        }
    }
}
