//! Ozon credentials: create, edit, delete, test, and open for the pipelines. Plain async Rust.

use sqlx::AnyPool;

use super::seal::{Sealer, Slot};
use super::store::{self, CredentialRow};
use super::{
    validate_client_id, validate_credential_name, validate_secret_text, ConnectionCheck,
    CredentialName, CredentialView, ExpiringCredential, EXPIRY_WARNING_DAYS,
};
use crate::auth::store::{append_audit, Actor};
use crate::common::clock::now_unix;
use crate::common::secret::Secret;
use crate::error::AppError;
use crate::ozon::client::{OzonClient, OzonCredentials};
use crate::ui::time::format_timestamp;

fn key_slot(id: i64) -> Slot {
    Slot::new("ozon_credentials", id, "api_key")
}

fn days_until(at: i64, now: i64) -> i64 {
    (at - now).div_euclid(86_400)
}

fn view(row: &CredentialRow, now: i64) -> sqlx::Result<CredentialView> {
    Ok(CredentialView {
        id: row.id,
        name: row.name.clone(),
        client_id: row.client_id.clone(),
        key_last4: row.api_key_last4.clone(),
        expires_at: row.expires_at.map(format_timestamp),
        expires_in_days: row.expires_at.map(|at| days_until(at, now)),
        roles: crate::common::json::column(
            &format!("ozon_credentials {} roles", row.id),
            &row.roles,
        )?,
        last_checked_at: row.last_checked_at.map(format_timestamp),
        last_check_ok: row.last_check_ok,
        last_check_message: row.last_check_message.clone(),
    })
}

pub async fn list_views(pool: &AnyPool) -> Result<Vec<CredentialView>, AppError> {
    let now = now_unix();
    let rows = store::list_credentials(pool).await?;
    Ok(rows
        .iter()
        .map(|r| view(r, now))
        .collect::<sqlx::Result<_>>()?)
}

pub async fn list_names(pool: &AnyPool) -> Result<Vec<CredentialName>, AppError> {
    let rows = store::list_credentials(pool).await?;
    Ok(rows
        .iter()
        .map(|r| CredentialName {
            id: r.id,
            name: r.name.clone(),
            expires_at: r.expires_at.map(format_timestamp),
        })
        .collect())
}

pub async fn create_credential(
    pool: &AnyPool,
    sealer: &Sealer,
    actor: &Actor,
    name: &str,
    client_id: &str,
    api_key: &str,
) -> Result<i64, AppError> {
    let name = validate_credential_name(name).map_err(AppError::Invalid)?;
    let client_id = validate_client_id(client_id).map_err(AppError::Invalid)?;
    let key = Secret::new(validate_secret_text("Api-Key", api_key).map_err(AppError::Invalid)?);
    let mut tx = crate::server::db::begin_write(pool).await?;
    let id = store::insert_credential(&mut tx, &name, &client_id, &actor.name)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("凭证名称「{name}」已存在")))?;
    store::set_credential_key(&mut tx, id, &sealer.seal(&key_slot(id), &key), &key.last4()).await?;
    tx.commit().await?;
    let detail = format!("Client-Id {client_id}，Api-Key ••••{}", key.last4());
    append_audit(pool, actor, "ozon_credential_add", &name, &detail).await?;
    Ok(id)
}

/// Edits name and Client-Id; a non-empty `new_api_key` replaces the key.
pub async fn update_credential(
    pool: &AnyPool,
    sealer: &Sealer,
    actor: &Actor,
    id: i64,
    name: &str,
    client_id: &str,
    new_api_key: &str,
) -> Result<(), AppError> {
    let name = validate_credential_name(name).map_err(AppError::Invalid)?;
    let client_id = validate_client_id(client_id).map_err(AppError::Invalid)?;
    let new_key = if new_api_key.trim().is_empty() {
        None
    } else {
        Some(Secret::new(
            validate_secret_text("Api-Key", new_api_key).map_err(AppError::Invalid)?,
        ))
    };
    let old = store::find_credential(pool, id)
        .await?
        .ok_or_else(|| AppError::Invalid("凭证不存在".into()))?;
    let mut tx = crate::server::db::begin_write(pool).await?;
    if !store::update_credential_fields(&mut tx, id, &name, &client_id).await? {
        return Err(AppError::Invalid(format!("凭证名称「{name}」已存在")));
    }
    let mut detail = format!("Client-Id {client_id}");
    if let Some(key) = &new_key {
        store::set_credential_key(&mut tx, id, &sealer.seal(&key_slot(id), key), &key.last4())
            .await?;
        detail.push_str(&format!("，更换 Api-Key 为 ••••{}", key.last4()));
    }
    tx.commit().await?;
    if old.name != name {
        detail.push_str(&format!("，原名称「{}」", old.name));
    }
    append_audit(pool, actor, "ozon_credential_update", &name, &detail).await?;
    Ok(())
}

pub async fn delete_credential(pool: &AnyPool, actor: &Actor, id: i64) -> Result<(), AppError> {
    let row = store::find_credential(pool, id)
        .await?
        .ok_or_else(|| AppError::Invalid("凭证不存在".into()))?;
    store::delete_credential(pool, id).await?;
    append_audit(pool, actor, "ozon_credential_delete", &row.name, "").await?;
    Ok(())
}

/// Opens a stored credential for a call to Ozon. Only the server ever holds the result.
pub async fn open_credential(
    pool: &AnyPool,
    sealer: &Sealer,
    id: i64,
) -> Result<(CredentialRow, OzonCredentials), AppError> {
    let row = store::find_credential(pool, id)
        .await?
        .ok_or_else(|| AppError::Invalid("凭证不存在".into()))?;
    let api_key = sealer
        .open(&key_slot(id), &row.api_key_sealed)
        .map_err(|e| {
            tracing::error!(credential = id, error = %e, "sealed Api-Key does not open");
            AppError::Internal
        })?;
    let creds = OzonCredentials {
        client_id: row.client_id.clone(),
        api_key,
    };
    Ok((row, creds))
}

/// "测试连接": asks Ozon for the key's roles and expiry and stores what it said.
pub async fn test_credential(
    pool: &AnyPool,
    sealer: &Sealer,
    ozon: &OzonClient,
    actor: &Actor,
    id: i64,
) -> Result<ConnectionCheck, AppError> {
    let (row, creds) = open_credential(pool, sealer, id).await?;
    let check = match ozon.roles(&creds).await {
        Ok(res) => {
            let roles: Vec<String> = res.roles.iter().map(|r| r.name.clone()).collect();
            let expires = res.expires_at.as_deref().and_then(parse_rfc3339);
            let roles_json = serde_json::to_string(&roles).unwrap_or_else(|_| "[]".into());
            let message = format!("连接成功，共 {} 个角色", roles.len());
            store::record_check(pool, id, true, &message, Some(&roles_json), expires).await?;
            ConnectionCheck::Ok {
                roles,
                expires_at: expires.map(format_timestamp),
            }
        }
        Err(err) => {
            let reason = err.to_string();
            store::record_check(pool, id, false, &reason, None, None).await?;
            ConnectionCheck::Failed { reason }
        }
    };
    let detail = match &check {
        ConnectionCheck::Ok { .. } => "成功".to_string(),
        ConnectionCheck::Failed { reason } => format!("失败：{reason}"),
    };
    append_audit(pool, actor, "ozon_credential_test", &row.name, &detail).await?;
    Ok(check)
}

/// Credentials whose key expires within the warning window (or already has).
pub async fn expiring(pool: &AnyPool) -> Result<Vec<ExpiringCredential>, AppError> {
    let now = now_unix();
    let rows = store::expiring_before(pool, now + EXPIRY_WARNING_DAYS * 86_400).await?;
    Ok(rows
        .into_iter()
        .map(|(name, at)| ExpiringCredential {
            name,
            expires_at: format_timestamp(at),
            days_left: days_until(at, now),
        })
        .collect())
}

fn parse_rfc3339(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text.trim(), &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::{days_until, parse_rfc3339};

    #[test]
    fn parses_ozon_timestamps() {
        assert_eq!(
            parse_rfc3339("2026-02-18T09:54:23.296Z"),
            Some(1_771_408_463)
        );
        assert_eq!(parse_rfc3339("2019-08-24T14:15:22Z"), Some(1_566_656_122));
        assert_eq!(parse_rfc3339("not a date"), None);
    }

    #[test]
    fn days_round_down() {
        assert_eq!(days_until(86_400 * 3 + 5, 0), 3);
        assert_eq!(days_until(-5, 0), -1);
    }
}
