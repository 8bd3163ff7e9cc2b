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

use crate::ozon::listing::pipeline::clock::Clock;
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

const ACCESS_FIXTURE: &str =
    include_str!("../../fixtures/douyin/douyin_oauth_access_token_success.json");
const STRINGLY_FIXTURE: &str =
    include_str!("../../fixtures/douyin/douyin_oauth_access_token_success_legacy_stringly.json");
const ERROR_FIXTURE: &str = include_str!("../../fixtures/douyin/douyin_oauth_error_legacy.json");

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
    pub content: super::douyin_content::ContentState,
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

/// Why Douyin refuses an authorize request, before the user sees anything: a wrong client_key,
/// a redirect_uri that is not the app's configured one (10006; https in production, loopback
/// http allowed here), or a scope the app was not approved for (10004).
fn authorize_refusal(sim: &DouyinSim, q: &HashMap<String, String>) -> Option<String> {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("client_key") != DEMO_CLIENT_KEY || get("response_type") != "code" {
        return Some("client_key 无效".into());
    }
    let s = sim.state.lock().ok()?;
    let redirect = get("redirect_uri");
    // Douyin only redirects to the app's configured callback; a simulator without one
    // redirects nowhere (no open redirect).
    let configured = s.redirect_uri.as_deref() == Some(redirect.as_str());
    let secure = redirect.starts_with("https://")
        || redirect.starts_with("http://127.0.0.1")
        || redirect.starts_with("http://localhost");
    if !configured || !secure {
        return Some("10006 redirect_uri 与应用配置的回调地址不一致".into());
    }
    let unapproved: Vec<String> = get("scope")
        .split(',')
        .map(str::trim)
        .filter(|sc| !sc.is_empty() && !s.approved_scopes.iter().any(|a| a == sc))
        .map(str::to_string)
        .collect();
    if !unapproved.is_empty() {
        return Some(format!("10004 应用没有以下权限：{}", unapproved.join(",")));
    }
    None
}

async fn authorize_page(
    State(sim): State<DouyinSim>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if let Some(why) = authorize_refusal(&sim, &q) {
        return (
            StatusCode::BAD_REQUEST,
            Html(format!("<h1>{}</h1>", escape(&why))),
        )
            .into_response();
    }
    // A relative link, so the page works on whatever address the simulator listens.
    let link = |open_id: &str| {
        let pairs = [
            ("redirect_uri", get("redirect_uri")),
            ("state", get("state")),
            ("scope", get("scope")),
            ("open_id", open_id.to_string()),
        ];
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        crate::douyin::client::with_query("http://sim/platform/oauth/connect/approve", &pairs)
            .trim_start_matches("http://sim")
            .to_string()
    };
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>抖音授权（模拟）</title>\
         <body><h1>抖音授权（模拟器）</h1><p>应用申请以下权限：{}</p>\
         <p><a id=\"approve\" href=\"{}\">同意授权（演示账号 小店主播）</a></p>\
         <p><a id=\"approve-second\" href=\"{}\">同意授权（演示账号 二号主播）</a></p>\
         <p><a id=\"deny\" href=\"{}?error=access_denied&amp;error_description=%E7%94%A8%E6%88%B7%E6%8B%92%E7%BB%9D%E6%8E%88%E6%9D%83&amp;state={}\">拒绝</a></p></body></html>",
        escape(&get("scope")),
        escape(&link("sim-open-id-0001")),
        escape(&link("sim-open-id-0002")),
        escape(&get("redirect_uri")),
        escape(&get("state")),
    );
    Html(page).into_response()
}

async fn approve(
    State(sim): State<DouyinSim>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let mut checked = q.clone();
    checked.insert("client_key".into(), DEMO_CLIENT_KEY.into());
    checked.insert("response_type".into(), "code".into());
    if let Some(why) = authorize_refusal(&sim, &checked) {
        return (
            StatusCode::BAD_REQUEST,
            Html(format!("<h1>{}</h1>", escape(&why))),
        )
            .into_response();
    }
    let code = sim.issue_code(&get("open_id"), &get("scope"));
    let target = crate::douyin::client::with_query(
        &get("redirect_uri"),
        &[("code", &code), ("state", &get("state"))],
    );
    Redirect::to(&target).into_response()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn token_body(s: &mut DouyinState, a: &SimDouyinAccount, refresh_left: i64) -> Value {
    s.counter += 1;
    // Every other answer is the legacy sample with numbers as strings.
    if s.counter.is_multiple_of(2) {
        let mut body = fixture(STRINGLY_FIXTURE);
        let d = &mut body["data"];
        d["access_token"] = json!(a.access_token);
        d["refresh_token"] = json!(a.refresh_token);
        d["open_id"] = json!(a.open_id);
        d["scope"] = json!(a.scope);
        d["expires_in"] = json!(s.access_life.to_string());
        d["refresh_expires_in"] = json!(refresh_left.to_string());
        body
    } else {
        let mut body = fixture(ACCESS_FIXTURE);
        let d = &mut body["data"];
        d["access_token"] = json!(a.access_token);
        d["refresh_token"] = json!(a.refresh_token);
        d["open_id"] = json!(a.open_id);
        d["scope"] = json!(a.scope);
        d["expires_in"] = json!(s.access_life);
        d["refresh_expires_in"] = json!(refresh_left);
        body
    }
}

async fn access_token(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let path = "/oauth/access_token/";
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if !is_form(&headers) {
        return refuse(&mut s, path, 10002, "content-type must be form");
    }
    if let Some(code) = s.fail_next.take() {
        return refuse(&mut s, path, code, "simulated failure");
    }
    if get("client_key") != DEMO_CLIENT_KEY || get("client_secret") != DEMO_CLIENT_SECRET {
        return refuse(&mut s, path, 10013, "client_key or client_secret error");
    }
    if get("grant_type") != "authorization_code" {
        return refuse(&mut s, path, 10002, "grant_type error");
    }
    let life = s.code_life;
    let Some(entry) = s.codes.get_mut(&get("code")) else {
        return refuse(&mut s, path, 10007, "code invalid");
    };
    if entry.3 || now - entry.2 > life {
        entry.3 = true;
        return refuse(&mut s, path, 10007, "code expired");
    }
    entry.3 = true;
    let (open_id, scope) = (entry.0.clone(), entry.1.clone());
    s.counter += 1;
    let n = s.counter;
    let account = SimDouyinAccount {
        nickname: if open_id.ends_with("0002") {
            "二号主播".into()
        } else {
            "小店主播".into()
        },
        access_token: format!("act.sim{n:06}{}", now % 100_000),
        access_expires_at: now + s.access_life,
        refresh_token: format!("rft.sim{n:06}{}", now % 100_000),
        refresh_expires_at: now + s.refresh_life,
        renewals: 0,
        scope,
        open_id: open_id.clone(),
    };
    s.accounts.insert(open_id, account.clone());
    let left = s.refresh_life;
    log(&mut s, path, 0);
    Json(token_body(&mut s, &account, left)).into_response()
}

/// Logs a refusal of `path` and answers it inside HTTP 200.
fn refuse(s: &mut DouyinState, path: &str, code: i64, description: &str) -> Response {
    log(s, path, code);
    error(code, description)
}

/// The open_id whose refresh token is `token` and still alive, or the 10010 refusal.
fn live_refresh(s: &DouyinState, token: &str, now: i64) -> Result<String, &'static str> {
    match s.accounts.values().find(|a| a.refresh_token == token) {
        None => Err("refresh_token invalid"),
        Some(a) if a.refresh_expires_at <= now => Err("refresh_token expired"),
        Some(a) => Ok(a.open_id.clone()),
    }
}

async fn refresh_token(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let path = "/oauth/refresh_token/";
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if !is_form(&headers)
        || get("grant_type") != "refresh_token"
        || get("client_key") != DEMO_CLIENT_KEY
    {
        return refuse(&mut s, path, 10002, "parameter error");
    }
    if let Some(code) = s.fail_next.take() {
        return refuse(&mut s, path, code, "simulated failure");
    }
    let open_id = match live_refresh(&s, &get("refresh_token"), now) {
        Ok(id) => id,
        Err(why) => return refuse(&mut s, path, 10010, why),
    };
    let life = s.access_life;
    s.counter += 1;
    let n = s.counter;
    let Some(a) = s.accounts.get_mut(&open_id) else {
        return refuse(&mut s, path, 10010, "refresh_token invalid");
    };
    a.access_token = format!("act.sim{n:06}{}", now % 100_000);
    a.access_expires_at = now + life;
    let account = a.clone();
    log(&mut s, path, 0);
    Json(token_body(
        &mut s,
        &account,
        account.refresh_expires_at - now,
    ))
    .into_response()
}

async fn renew_refresh_token(
    State(sim): State<DouyinSim>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let path = "/oauth/renew_refresh_token/";
    let now = sim.clock.now();
    let Ok(mut s) = sim.state.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    if !is_form(&headers) || get("client_key") != DEMO_CLIENT_KEY {
        return refuse(&mut s, path, 10002, "parameter error");
    }
    let open_id = match live_refresh(&s, &get("refresh_token"), now) {
        Ok(id) => id,
        Err(why) => return refuse(&mut s, path, 10010, why),
    };
    let life = s.refresh_life;
    s.counter += 1;
    let n = s.counter;
    let Some(a) = s.accounts.get_mut(&open_id).filter(|a| a.renewals < 5) else {
        return refuse(&mut s, path, 10020, "renew limit exceeded");
    };
    a.renewals += 1;
    a.refresh_token = format!("rft.sim{n:06}{}", now % 100_000);
    a.refresh_expires_at = now + life;
    let token = a.refresh_token.clone();
    log(&mut s, path, 0);
    Json(json!({"data": {"description": "", "error_code": 0, "expires_in": life.to_string(), "refresh_token": token}, "message": "success"}))
        .into_response()
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
        assert!(authorize_refusal(&sim, &query(evil)).is_some());
        sim.set_redirect_uri("http://127.0.0.1:3000/oauth/douyin/callback");
        assert!(authorize_refusal(&sim, &query(evil)).is_some());
        assert!(
            authorize_refusal(&sim, &query("http://127.0.0.1:3000/oauth/douyin/callback"))
                .is_none()
        );
    }
}
