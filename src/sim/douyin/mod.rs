//! Douyin's open platform as the simulator plays it: an authorize page that redirects back with a
//! code and the state, single-use codes that expire after 10 (simulated) minutes, token
//! envelopes built from `fixtures/douyin` (every other answer with stringly numbers, as the
//! legacy docs show), errors inside HTTP 200, refresh/renew with the documented lifetimes and
//! the 5-renewal limit, and user info that refuses an expired access token with 10008.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub mod content;
mod oauth;

use oauth::{access_token, approve, authorize_page, refresh_token, renew_refresh_token};

use crate::common::clock::Clock;
use crate::ui::escape_html as escape;

pub const DEMO_CLIENT_KEY: &str = "tt-demo-client-key";
pub const DEMO_CLIENT_SECRET: &str = "douyin-demo-client-secret-0001";

/// What the demo app is approved for (an enterprise website app, so `video.create.bind` too).
pub const APPROVED_SCOPES: &[&str] = &[
    "user_info",
    "renew_refresh_token",
    "video.create.bind",
    "video.data.bind",
    "video.list.bind",
];

const ACCESS_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_oauth_access_token_success.json"
));
const STRINGLY_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_oauth_access_token_success_legacy_stringly.json"
));
const ERROR_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/douyin_oauth_error_legacy.json"
));

#[derive(Clone, Debug)]
pub struct SimDouyinAccount {
    pub open_id: String,
    pub nickname: String,
    pub access_token: String,
    pub access_expires_at: i64,
    pub refresh_token: String,
    pub refresh_expires_at: i64,
    pub renewals: i64,
    pub scope: String,
}

#[derive(Default)]
pub struct DouyinState {
    codes: HashMap<String, (String, String, i64, bool)>,
    pub accounts: HashMap<String, SimDouyinAccount>,
    pub log: Vec<(String, i64)>,
    counter: u64,
    /// The next token call answers this error code inside HTTP 200.
    pub fail_next: Option<i64>,
    /// Lifetimes in seconds (access 15 days, refresh 30 days, codes 10 minutes).
    pub access_life: i64,
    pub refresh_life: i64,
    pub code_life: i64,
    /// The app's configured redirect URL: the authorize page refuses any other (10006), as
    /// Douyin does. `None` only before `set_redirect_uri`.
    pub redirect_uri: Option<String>,
    /// Scopes the app was approved for; asking for another is refused at authorize time.
    pub approved_scopes: Vec<String>,
    /// Uploads, posts and their statistics (`douyin_content.rs`).
    pub content: content::ContentState,
}

#[derive(Clone)]
pub struct DouyinSim {
    pub state: Arc<Mutex<DouyinState>>,
    pub clock: Clock,
}

fn fixture(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .map(|v| v["response"].clone())
        .unwrap_or(Value::Null)
}

impl DouyinSim {
    pub fn new(time_scale: u32) -> Self {
        DouyinSim {
            state: Arc::new(Mutex::new(DouyinState {
                access_life: 15 * 86_400,
                refresh_life: 30 * 86_400,
                code_life: 600,
                approved_scopes: APPROVED_SCOPES.iter().map(|s| s.to_string()).collect(),
                ..DouyinState::default()
            })),
            clock: Clock::new(time_scale),
        }
    }

    /// Sets the app's configured redirect URL (what the developer console holds).
    pub fn set_redirect_uri(&self, url: &str) {
        if let Ok(mut s) = self.state.lock() {
            s.redirect_uri = Some(url.to_string());
        }
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/platform/oauth/connect/", get(authorize_page))
            .route("/platform/oauth/connect/approve", get(approve))
            .route("/oauth/access_token/", post(access_token))
            .route("/oauth/refresh_token/", post(refresh_token))
            .route("/oauth/renew_refresh_token/", post(renew_refresh_token))
            .route("/oauth/userinfo/", post(user_info))
            .with_state(self.clone())
            .merge(self.content_router())
    }

    /// Issues a code as the approve button does (tests skip the page with it).
    pub fn issue_code(&self, open_id: &str, scope: &str) -> String {
        let now = self.clock.now();
        let Ok(mut s) = self.state.lock() else {
            return String::new();
        };
        s.counter += 1;
        let code = format!("dycode{:08}{}", s.counter, now % 1000);
        s.codes.insert(
            code.clone(),
            (open_id.to_string(), scope.to_string(), now, false),
        );
        code
    }

    /// How many calls of `path` answered `code` (0 = success).
    pub fn count(&self, path: &str, code: i64) -> usize {
        self.state
            .lock()
            .map(|s| {
                s.log
                    .iter()
                    .filter(|(p, c)| p == path && *c == code)
                    .count()
            })
            .unwrap_or(0)
    }
}

fn error(code: i64, description: &str) -> Response {
    let mut body = fixture(ERROR_FIXTURE);
    body["data"] = json!({"error_code": code, "description": description});
    Json(body).into_response()
}

fn log(s: &mut DouyinState, path: &str, code: i64) {
    s.log.push((path.to_string(), code));
}

async fn user_info(
    State(sim): State<DouyinSim>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let path = "/oauth/userinfo/";
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let found = s
        .accounts
        .values()
        .find(|a| a.open_id == get("open_id") && a.access_token == get("access_token"))
        .cloned();
    match found {
        Some(a) if a.access_expires_at > now => {
            log(&mut s, path, 0);
            Json(json!({"data": {"error_code": 0, "description": "", "open_id": a.open_id, "nickname": a.nickname,
                "avatar": ""}, "message": "success"}))
            .into_response()
        }
        _ => {
            log(&mut s, path, 10008);
            error(10008, "access_token expired")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(redirect: &str) -> HashMap<String, String> {
        [
            ("client_key", DEMO_CLIENT_KEY),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", "user_info"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// The authorize page is no open redirect: without a configured callback, and for any
    /// other callback than the configured one, it refuses before linking anywhere.
    #[test]
    fn authorize_redirects_only_to_the_configured_callback() {
        let sim = DouyinSim::new(1);
        let evil = "https://evil.example/steal";
        assert!(oauth::authorize_refusal(&sim, &query(evil)).is_some());
        sim.set_redirect_uri("http://127.0.0.1:3000/oauth/douyin/callback");
        assert!(oauth::authorize_refusal(&sim, &query(evil)).is_some());
        assert!(oauth::authorize_refusal(
            &sim,
            &query("http://127.0.0.1:3000/oauth/douyin/callback")
        )
        .is_none());
    }
}
