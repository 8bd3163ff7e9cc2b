//! REST API keys: shown once, stored as a SHA-256 hash plus a visible prefix, checked in
//! constant time, rate-limited per key.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sqlx::{FromRow, SqlitePool};
use subtle::ConstantTimeEq;

use super::ApiKeyView;
use crate::auth::store::{append_audit, Actor};
use crate::error::AppError;
use crate::server::db::now_unix;
use crate::server::state::AppState;
use crate::ui::time::format_timestamp;

const KEY_PREFIX: &str = "sbk_";
const VISIBLE_PREFIX_LEN: usize = 12;

fn hash_key(key: &str) -> String {
    super::digest::sha256_hex(key)
}

/// Creates a key named `name`; returns it in full. This is the only time it exists in clear.
pub async fn create_api_key(
    pool: &SqlitePool,
    actor: &Actor,
    name: &str,
) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(AppError::Invalid("密钥名称应为 1 到 50 个字符".into()));
    }
    let key = format!("{KEY_PREFIX}{}", super::digest::random_token());
    let prefix: String = key.chars().take(VISIBLE_PREFIX_LEN).collect();
    sqlx::query(
        "INSERT INTO api_keys (name, prefix, key_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(name)
    .bind(&prefix)
    .bind(hash_key(&key))
    .bind(&actor.name)
    .bind(now_unix())
    .execute(pool)
    .await?;
    append_audit(
        pool,
        actor,
        "api_key_create",
        name,
        &format!("前缀 {prefix}"),
    )
    .await?;
    Ok(key)
}

#[derive(FromRow)]
struct KeyRow {
    id: i64,
    name: String,
    prefix: String,
    key_hash: String,
    created_by: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

pub async fn list_api_keys(pool: &SqlitePool) -> Result<Vec<ApiKeyView>, AppError> {
    let rows: Vec<KeyRow> = sqlx::query_as("SELECT * FROM api_keys ORDER BY id DESC")
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiKeyView {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created_by: r.created_by,
            created_at: format_timestamp(r.created_at),
            last_used_at: r.last_used_at.map(format_timestamp),
            revoked: r.revoked_at.is_some(),
        })
        .collect())
}

pub async fn revoke_api_key(pool: &SqlitePool, actor: &Actor, id: i64) -> Result<(), AppError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let name = name.ok_or_else(|| AppError::Invalid("密钥不存在".into()))?;
    sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")
        .bind(now_unix())
        .bind(id)
        .execute(pool)
        .await?;
    append_audit(pool, actor, "api_key_revoke", &name, "").await?;
    Ok(())
}

/// The key behind a request, if it is known and not revoked.
pub async fn verify_api_key(
    pool: &SqlitePool,
    presented: &str,
) -> Result<Option<(i64, String)>, AppError> {
    if !presented.starts_with(KEY_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let prefix: String = presented.chars().take(VISIBLE_PREFIX_LEN).collect();
    let row: Option<KeyRow> = sqlx::query_as("SELECT * FROM api_keys WHERE prefix = ?")
        .bind(&prefix)
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let matches: bool = hash_key(presented)
        .as_bytes()
        .ct_eq(row.key_hash.as_bytes())
        .into();
    if !matches || row.revoked_at.is_some() {
        return Ok(None);
    }
    sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
        .bind(now_unix())
        .bind(row.id)
        .execute(pool)
        .await?;
    Ok(Some((row.id, row.name)))
}

/// Fixed one-minute windows per key.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<i64, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` to wait when `key_id` has used up this minute.
    pub fn check(&self, key_id: i64, now: i64) -> Result<(), i64> {
        let window = now - now.rem_euclid(60);
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let entry = windows.entry(key_id).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_minute {
            return Err((window + 60 - now).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The REST failure envelope: `{success:false, data:null, error:"CODE: message"}`.
pub fn rest_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "success": false,
        "data": null,
        "error": format!("{code}: {message}"),
    });
    (status, Json(body)).into_response()
}

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
        if let Err(wait) = state.api_limiter.check(key_id, now_unix()) {
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

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn limiter_counts_per_key_and_window() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.check(1, 600).is_ok());
        assert!(limiter.check(1, 601).is_ok());
        assert_eq!(limiter.check(1, 630), Err(30));
        assert!(
            limiter.check(2, 630).is_ok(),
            "another key has its own budget"
        );
        assert!(limiter.check(1, 660).is_ok(), "a new minute starts again");
    }
}
