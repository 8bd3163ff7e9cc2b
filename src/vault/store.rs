//! SQL for Ozon credentials. Sealed columns are written and read as opaque text.

use sqlx::{Any, AnyPool, FromRow, Transaction};

use crate::common::clock::now_unix;

#[derive(Debug, FromRow)]
pub struct CredentialRow {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub api_key_sealed: String,
    pub api_key_last4: String,
    pub expires_at: Option<i64>,
    pub roles: String,
    pub last_checked_at: Option<i64>,
    #[sqlx(try_from = "crate::server::db::MaybeFlag")]
    pub last_check_ok: Option<bool>,
    pub last_check_message: String,
}

const COLUMNS: &str = "id, name, client_id, api_key_sealed, api_key_last4, expires_at, roles, \
                       last_checked_at, last_check_ok, last_check_message FROM ozon_credentials";

pub async fn list_credentials(pool: &AnyPool) -> sqlx::Result<Vec<CredentialRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} ORDER BY name"))
        .fetch_all(pool)
        .await
}

pub async fn find_credential(pool: &AnyPool, id: i64) -> sqlx::Result<Option<CredentialRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn find_credential_by_name(
    pool: &AnyPool,
    name: &str,
) -> sqlx::Result<Option<CredentialRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} WHERE name = $1"))
        .bind(name)
        .fetch_optional(pool)
        .await
}

/// Inserts a credential with an empty sealed key; the caller seals it with the new row id.
pub async fn insert_credential(
    tx: &mut Transaction<'_, Any>,
    name: &str,
    client_id: &str,
    created_by: &str,
) -> sqlx::Result<Option<i64>> {
    let now = now_unix();
    sqlx::query_scalar(
        "INSERT INTO ozon_credentials (name, client_id, api_key_sealed, api_key_last4, created_by, \
         created_at, updated_at) VALUES ($1, $2, '', '', $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(client_id)
    .bind(created_by)
    .bind(now)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// Replaces the key; what was learnt about the old key (roles, expiry) no longer applies.
pub async fn set_credential_key(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    sealed: &str,
    last4: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE ozon_credentials SET api_key_sealed = $1, api_key_last4 = $2, expires_at = NULL, \
         roles = '[]', last_checked_at = NULL, last_check_ok = NULL, last_check_message = '', \
         updated_at = $3 WHERE id = $4",
    )
    .bind(sealed)
    .bind(last4)
    .bind(now_unix())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Renames and re-points a credential; `Ok(false)` when the new name is taken.
pub async fn update_credential_fields(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    name: &str,
    client_id: &str,
) -> sqlx::Result<bool> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM ozon_credentials WHERE lower(name) = lower($1) AND id <> $2",
    )
    .bind(name)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if taken.is_some() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE ozon_credentials SET name = $1, client_id = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(name)
    .bind(client_id)
    .bind(now_unix())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(true)
}

pub async fn delete_credential(pool: &AnyPool, id: i64) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM ozon_credentials WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn record_check(
    pool: &AnyPool,
    id: i64,
    ok: bool,
    message: &str,
    roles_json: Option<&str>,
    expires_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE ozon_credentials SET last_checked_at = $1, last_check_ok = $2, last_check_message = $3, \
         roles = COALESCE($4, roles), expires_at = CASE WHEN $5 THEN $6 ELSE expires_at END WHERE id = $7",
    )
    .bind(now_unix())
    .bind(ok)
    .bind(message)
    .bind(roles_json)
    .bind(ok)
    .bind(expires_at)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Credentials whose key expires before `before`, soonest first.
pub async fn expiring_before(pool: &AnyPool, before: i64) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT name, expires_at FROM ozon_credentials WHERE expires_at IS NOT NULL \
         AND expires_at < $1 ORDER BY expires_at",
    )
    .bind(before)
    .fetch_all(pool)
    .await
}
