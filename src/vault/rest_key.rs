//! The `X-API-Key` extractor: a REST request is served only for a live key within its budget.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

use super::api_keys::verify_api_key;
use crate::common::clock::now_unix;
use crate::common::rest::rest_error;
use crate::server::state::AppState;

/// A request authenticated by `X-API-Key`.
#[derive(Clone, Debug)]
pub struct ApiKeyAuth {
    pub key_id: i64,
    pub name: String,
}

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let presented = parts
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .unwrap_or_default();
        if presented.is_empty() {
            return Err(rest_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "缺少 X-API-Key 请求头",
            ));
        }
        let found = verify_api_key(&state.pool, presented).await.map_err(|_| {
            rest_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "服务器内部错误",
            )
        })?;
        let Some((key_id, name)) = found else {
            return Err(rest_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                "API 密钥无效或已吊销",
            ));
        };
        if let Err(wait) = state.api_limiter.check_shared(key_id, now_unix()).await {
            let mut res = rest_error(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                &format!("请求过于频繁，请 {wait} 秒后再试"),
            );
            if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert("retry-after", value);
            }
            return Err(res);
        }
        Ok(ApiKeyAuth { key_id, name })
    }
}
