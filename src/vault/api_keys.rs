//! REST API keys: shown once, stored as a SHA-256 hash plus a visible prefix, checked in
//! constant time (the `X-API-Key` extractor is in `rest_key`).

use sqlx::{AnyPool, FromRow};
use subtle::ConstantTimeEq;

use super::ApiKeyView;
use crate::auth::store::{append_audit, Actor};
use crate::common::clock::now_unix;
use crate::error::AppError;
use crate::ui::time::format_timestamp;

const KEY_PREFIX: &str = "sbk_";
const VISIBLE_PREFIX_LEN: usize = 12;

fn hash_key(key: &str) -> String {
    crate::common::digest::sha256_hex(key)
}

/// Creates a key named `name`; returns it in full. This is the only time it exists in clear.
pub async fn create_api_key(pool: &AnyPool, actor: &Actor, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(AppError::Invalid("密钥名称应为 1 到 50 个字符".into()));
    }
    let key = format!("{KEY_PREFIX}{}", crate::common::digest::random_token());
    let prefix: String = key.chars().take(VISIBLE_PREFIX_LEN).collect();
    sqlx::query(
        "INSERT INTO api_keys (name, prefix, key_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
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

pub async fn list_api_keys(pool: &AnyPool) -> Result<Vec<ApiKeyView>, AppError> {
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

pub async fn revoke_api_key(pool: &AnyPool, actor: &Actor, id: i64) -> Result<(), AppError> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let name = name.ok_or_else(|| AppError::Invalid("密钥不存在".into()))?;
    sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
        .bind(now_unix())
        .bind(id)
        .execute(pool)
        .await?;
    append_audit(pool, actor, "api_key_revoke", &name, "").await?;
    Ok(())
}

/// The key behind a request, if it is known and not revoked.
pub async fn verify_api_key(
    pool: &AnyPool,
    presented: &str,
) -> Result<Option<(i64, String)>, AppError> {
    if !presented.starts_with(KEY_PREFIX) || presented.len() > 200 {
        return Ok(None);
    }
    let prefix: String = presented.chars().take(VISIBLE_PREFIX_LEN).collect();
    let row: Option<KeyRow> = sqlx::query_as("SELECT * FROM api_keys WHERE prefix = $1")
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
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now_unix())
        .bind(row.id)
        .execute(pool)
        .await?;
    Ok(Some((row.id, row.name)))
}
