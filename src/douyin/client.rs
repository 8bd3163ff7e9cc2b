//! HTTP clients for both platforms. Neither follows redirects, both time out after 12 s (the
//! official SDK's figure), and no error text carries a URL (抖店's carries the access token).
//!
//! - [`DouyinOAuth`]: open.douyin.com's form-encoded token calls and the user info call.
//! - [`Gateway`]: 抖店's signed gateway, paced per app key, with jittered backoff when the
//!   gateway says a call came too often.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::sign::{canonical_json, method_of, sign, SignMethod};
use super::wire::{douyin_data, gateway_data, tokens_of, DouyinError, GatewayError, Tokens};
use crate::common::backoff::backoff;
use crate::common::pacer::Pacer;
use crate::common::secret::Secret;

/// Why a platform call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    Douyin(DouyinError),
    Gateway(GatewayError),
    /// No answer, or one that is not the platform's JSON.
    Transport(String),
}

impl CallError {
    pub fn message(&self) -> String {
        match self {
            CallError::Douyin(e) => e.message(),
            CallError::Gateway(e) => e.message(),
            CallError::Transport(why) => format!("无法连接平台：{why}"),
        }
    }

    pub fn access_expired(&self) -> bool {
        match self {
            CallError::Douyin(e) => e.access_expired(),
            CallError::Gateway(e) => e.access_expired(),
            CallError::Transport(_) => false,
        }
    }

    /// No answer, or the platform busy: try again later rather than give up.
    pub fn transient(&self) -> bool {
        match self {
            CallError::Douyin(e) => e.transient(),
            CallError::Gateway(e) => e.throttled(),
            CallError::Transport(_) => true,
        }
    }

    pub fn needs_reauth(&self) -> bool {
        match self {
            CallError::Douyin(e) => e.needs_reauth(),
            CallError::Gateway(e) => e.needs_reauth(),
            CallError::Transport(_) => false,
        }
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

pub(crate) fn http_client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(12))
        .build()?)
}

pub(crate) fn transport(err: reqwest::Error) -> CallError {
    let err = err.without_url();
    CallError::Transport(if err.is_timeout() {
        "请求超时".into()
    } else {
        err.to_string()
    })
}

pub(crate) async fn json_of(response: reqwest::Response) -> Result<Value, CallError> {
    let status = response.status();
    let bytes = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&bytes).map_err(|_| {
        CallError::Transport(format!(
            "平台返回了无法解析的答复（HTTP {}）",
            status.as_u16()
        ))
    })
}

/// `url?k=v&…` with form encoding.
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.query_pairs_mut().extend_pairs(pairs);
            parsed.to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// Douyin's OAuth endpoints (`wire/douyin-api.md` §1.1).
#[derive(Clone, Debug)]
pub struct DouyinOAuth {
    http: reqwest::Client,
    base: String,
}

impl DouyinOAuth {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(DouyinOAuth {
            http: http_client()?,
            base: base.trim_end_matches('/').to_string(),
        })
    }

    /// The page an admin is sent to: `client_key`, `response_type=code`, comma-separated
    /// scopes, `redirect_uri` and `state`.
    pub fn authorize_url(
        &self,
        client_key: &str,
        scopes: &str,
        redirect_uri: &str,
        state: &str,
    ) -> String {
        let query = [
            ("client_key", client_key),
            ("response_type", "code"),
            ("scope", scopes),
            ("redirect_uri", redirect_uri),
            ("state", state),
        ];
        with_query(&format!("{}/platform/oauth/connect/", self.base), &query)
    }

    async fn form(&self, path: &str, form: &[(&str, &str)]) -> Result<Tokens, CallError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .map_err(transport)?;
        let body = json_of(response).await?;
        douyin_data(&body).map(tokens_of).map_err(CallError::Douyin)
    }

    /// `code` → tokens (form-encoded, `grant_type=authorization_code`).
    pub async fn exchange_code(
        &self,
        client_key: &str,
        client_secret: &Secret,
        code: &str,
    ) -> Result<Tokens, CallError> {
        self.form(
            "/oauth/access_token/",
            &[
                ("client_key", client_key),
                ("client_secret", client_secret.expose()),
                ("code", code),
                ("grant_type", "authorization_code"),
            ],
        )
        .await
    }

    /// A new 15-day access token; the refresh token keeps its own expiry.
    pub async fn refresh(&self, client_key: &str, refresh: &Secret) -> Result<Tokens, CallError> {
        self.form(
            "/oauth/refresh_token/",
            &[
                ("client_key", client_key),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
            ],
        )
        .await
    }

    /// A new 30-day refresh token (at most 5 times per authorisation).
    pub async fn renew(&self, client_key: &str, refresh: &Secret) -> Result<Tokens, CallError> {
        self.form(
            "/oauth/renew_refresh_token/",
            &[
                ("client_key", client_key),
                ("refresh_token", refresh.expose()),
            ],
        )
        .await
    }

    /// The account's public profile (nickname, avatar).
    pub async fn user_info(&self, access: &Secret, open_id: &str) -> Result<Value, CallError> {
        let response = self
            .http
            .post(format!("{}/oauth/userinfo/", self.base))
            .form(&[("access_token", access.expose()), ("open_id", open_id)])
            .send()
            .await
            .map_err(transport)?;
        let body = json_of(response).await?;
        douyin_data(&body).cloned().map_err(CallError::Douyin)
    }
}

/// An app's key and secret, opened from the vault for one call.
#[derive(Clone)]
pub struct AppCreds {
    pub app_key: String,
    pub app_secret: Secret,
}

/// 抖店's signed gateway (`wire/douyin-api.md` §2.2).
#[derive(Clone)]
pub struct Gateway {
    http: reqwest::Client,
    base: String,
    pacer: Arc<Pacer>,
    /// Real time per simulated second of backoff (tests run it faster).
    backoff_unit: Duration,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway").field("base", &self.base).finish()
    }
}

/// Tries of one call when the gateway throttles.
const THROTTLE_TRIES: u32 = 6;

impl Gateway {
    /// `per_second` calls per app key; backoff waits are divided by `time_scale`.
    pub fn new(base: &str, per_second: u32, time_scale: u32) -> anyhow::Result<Self> {
        Ok(Gateway {
            http: http_client()?,
            base: base.trim_end_matches('/').to_string(),
            pacer: Arc::new(Pacer::new(per_second)),
            backoff_unit: Duration::from_secs(1) / time_scale.max(1),
        })
    }

    /// The per-app-key pace kept in the database, shared by every node on it.
    pub fn with_shared_pace(mut self, pool: sqlx::AnyPool, per_second: u32) -> Self {
        self.pacer = Arc::new(Pacer::new(per_second).shared(pool, "doudian"));
        self
    }

    /// One signed call; `params` become the canonical `param_json` body. Throttling is retried
    /// with jittered exponential backoff; every other error goes back to the caller.
    pub async fn call(
        &self,
        app: &AppCreds,
        path: &str,
        params: &Value,
        access_token: Option<&Secret>,
    ) -> Result<Value, CallError> {
        let mut attempt = 0;
        loop {
            self.pacer.wait_turn(&app.app_key).await;
            match self.call_once(app, path, params, access_token).await {
                Err(CallError::Gateway(e)) if e.throttled() && attempt + 1 < THROTTLE_TRIES => {
                    attempt += 1;
                    let wait = backoff(self.backoff_unit, attempt);
                    tracing::info!(
                        path,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "抖店 throttled; backing off"
                    );
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    async fn call_once(
        &self,
        app: &AppCreds,
        path: &str,
        params: &Value,
        access_token: Option<&Secret>,
    ) -> Result<Value, CallError> {
        let method = method_of(path);
        let param_json = canonical_json(params);
        let timestamp = crate::common::clock::now_unix().to_string();
        let how = SignMethod::HmacSha256;
        let signature = sign(
            how,
            &app.app_key,
            app.app_secret.expose(),
            &method,
            &param_json,
            &timestamp,
        );
        let mut query = vec![
            ("app_key", app.app_key.as_str()),
            ("method", method.as_str()),
            ("timestamp", timestamp.as_str()),
            ("v", "2"),
            ("sign_method", how.as_str()),
            ("sign", signature.as_str()),
        ];
        if let Some(token) = access_token {
            query.push(("access_token", token.expose()));
        }
        let response = self
            .http
            .post(format!("{}/{}", self.base, path.trim_start_matches('/')))
            .query(&query)
            .header("content-type", "application/json")
            .header("x-open-no-old-err-code", "1")
            .body(param_json)
            .send()
            .await
            .map_err(transport)?;
        let body = json_of(response).await?;
        let answer = gateway_data(&body).cloned().map_err(CallError::Gateway);
        crate::common::metrics::marketplace_call(
            "doudian",
            match &answer {
                Ok(_) => "ok",
                Err(CallError::Gateway(e)) if e.throttled() => "throttled",
                Err(_) => "error",
            },
        );
        answer
    }

    /// `token/create` with the code of the merchant's authorisation.
    pub async fn token_create(&self, app: &AppCreds, code: &str) -> Result<Tokens, CallError> {
        let params = serde_json::json!({"code": code, "grant_type": "authorization_code"});
        self.call(app, "/token/create", &params, None)
            .await
            .map(|d| tokens_of(&d))
    }

    pub async fn token_refresh(
        &self,
        app: &AppCreds,
        refresh: &Secret,
    ) -> Result<Tokens, CallError> {
        let params =
            serde_json::json!({"grant_type": "refresh_token", "refresh_token": refresh.expose()});
        self.call(app, "/token/refresh", &params, None)
            .await
            .map(|d| tokens_of(&d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_uses_douyins_names() {
        let oauth = DouyinOAuth::new("https://open.douyin.com/").expect("client");
        let url = oauth.authorize_url(
            "tt123",
            "user_info,video.create.bind",
            "https://sb.example.com/oauth/douyin/callback",
            "st",
        );
        assert_eq!(
            url,
            "https://open.douyin.com/platform/oauth/connect/?client_key=tt123&response_type=code\
             &scope=user_info%2Cvideo.create.bind\
             &redirect_uri=https%3A%2F%2Fsb.example.com%2Foauth%2Fdouyin%2Fcallback&state=st"
        );
    }
}
