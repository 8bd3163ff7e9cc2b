//! Douyin's OAuth: the authorize page and its approval, the token endpoints, refresh and renewal.

use super::*;

/// Why Douyin refuses an authorize request, before the user sees anything: a wrong client_key,
/// a redirect_uri that is not the app's configured one (10006; https in production, loopback
/// http allowed here), or a scope the app was not approved for (10004).
pub(super) fn authorize_refusal(sim: &DouyinSim, q: &HashMap<String, String>) -> Option<String> {
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

pub(super) async fn authorize_page(
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

pub(super) async fn approve(
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

pub(super) async fn access_token(
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
pub(super) fn refuse(s: &mut DouyinState, path: &str, code: i64, description: &str) -> Response {
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

pub(super) async fn refresh_token(
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

pub(super) async fn renew_refresh_token(
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
