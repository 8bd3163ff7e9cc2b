//! Platform apps: one row per platform, its app key in the clear and its secret sealed.

use sqlx::{AnyPool, FromRow};

use super::seal::{Sealer, Slot};
use super::{validate_secret_text, PlatformAppView};
use crate::auth::store::{append_audit, Actor};
use crate::common::clock::now_unix;
use crate::common::secret::Secret;
use crate::error::AppError;
use crate::ui::time::format_timestamp;

/// platform, label, key label, secret label, has service_id. Whether a platform is integrated
/// yet is the registry's answer (`platforms::registry::adapter`).
pub const PLATFORMS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "douyin",
        "抖音开放平台",
        "client_key",
        "client_secret",
        false,
    ),
    ("doudian", "抖店", "app_key", "app_secret", true),
    ("taobao", "淘宝", "app_key", "app_secret", false),
    ("jd", "京东", "app_key", "app_secret", false),
    ("pdd", "拼多多", "app_key", "app_secret", false),
];

#[derive(FromRow)]
struct AppRow {
    platform: String,
    #[sqlx(try_from = "crate::server::db::Flag")]
    enabled: bool,
    app_key: String,
    secret_sealed: Option<String>,
    secret_last4: String,
    service_id: String,
    updated_by: String,
    updated_at: Option<i64>,
}

fn secret_slot(platform: &str) -> Slot {
    Slot::new("platform_apps", platform, "app_secret")
}

/// Every platform's app row; `integrated` says which platforms are built (the registry knows).
pub async fn list_apps(
    pool: &AnyPool,
    integrated: impl Fn(&str) -> bool,
) -> Result<Vec<PlatformAppView>, AppError> {
    let rows: Vec<AppRow> = sqlx::query_as(
        "SELECT platform, enabled, app_key, secret_sealed, secret_last4, service_id, updated_by, \
         updated_at FROM platform_apps",
    )
    .fetch_all(pool)
    .await?;
    Ok(PLATFORMS
        .iter()
        .filter_map(|(platform, label, key_label, secret_label, has_sid)| {
            let row = rows.iter().find(|r| r.platform == *platform)?;
            Some(PlatformAppView {
                platform: platform.to_string(),
                label: label.to_string(),
                key_label: key_label.to_string(),
                secret_label: secret_label.to_string(),
                has_service_id: *has_sid,
                enabled: row.enabled,
                app_key: row.app_key.clone(),
                secret_last4: if row.secret_sealed.is_some() {
                    row.secret_last4.clone()
                } else {
                    String::new()
                },
                service_id: row.service_id.clone(),
                updated_by: row.updated_by.clone(),
                updated_at: row.updated_at.map(format_timestamp),
                integrated: integrated(platform),
            })
        })
        .collect())
}

/// The form an admin submits for one platform. An empty secret keeps the stored one.
pub struct AppUpdate<'a> {
    pub platform: &'a str,
    pub enabled: bool,
    pub app_key: &'a str,
    pub app_secret: &'a str,
    pub service_id: &'a str,
}

pub async fn update_app(
    pool: &AnyPool,
    sealer: &Sealer,
    actor: &Actor,
    update: AppUpdate<'_>,
) -> Result<(), AppError> {
    let Some((platform, label, key_label, secret_label, has_sid)) =
        PLATFORMS.iter().find(|p| p.0 == update.platform)
    else {
        return Err(AppError::Invalid("未知平台".into()));
    };
    let app_key = update.app_key.trim();
    if app_key.chars().count() > 100 || app_key.chars().any(|c| !c.is_ascii_graphic()) {
        return Err(AppError::Invalid(format!(
            "{key_label} 只能包含英文字母、数字和符号，最多 100 个字符"
        )));
    }
    let service_id = update.service_id.trim();
    if *has_sid && !service_id.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::Invalid("service_id 应为数字".into()));
    }
    let stored: Option<Option<String>> =
        sqlx::query_scalar("SELECT secret_sealed FROM platform_apps WHERE platform = $1")
            .bind(platform)
            .fetch_optional(pool)
            .await?;
    let has_secret = matches!(stored, Some(Some(_)));
    if update.enabled
        && (app_key.is_empty() || (!has_secret && update.app_secret.trim().is_empty()))
    {
        return Err(AppError::Invalid(format!(
            "启用前请填写 {key_label} 和 {secret_label}"
        )));
    }
    let mut detail = format!(
        "{}，{key_label} {app_key}",
        if update.enabled { "启用" } else { "停用" }
    );
    let mut tx = crate::server::db::begin_write(pool).await?;
    if !update.app_secret.trim().is_empty() {
        let secret = Secret::new(
            validate_secret_text(secret_label, update.app_secret).map_err(AppError::Invalid)?,
        );
        sqlx::query(
            "UPDATE platform_apps SET secret_sealed = $1, secret_last4 = $2 WHERE platform = $3",
        )
        .bind(sealer.seal(&secret_slot(platform), &secret))
        .bind(secret.last4())
        .bind(platform)
        .execute(&mut *tx)
        .await?;
        detail.push_str(&format!("，更换 {secret_label} 为 ••••{}", secret.last4()));
    }
    sqlx::query(
        "UPDATE platform_apps SET enabled = $1, app_key = $2, service_id = $3, updated_by = $4, \
         updated_at = $5 WHERE platform = $6",
    )
    .bind(update.enabled)
    .bind(app_key)
    .bind(if *has_sid { service_id } else { "" })
    .bind(&actor.name)
    .bind(now_unix())
    .bind(platform)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    append_audit(pool, actor, "platform_app_update", label, &detail).await?;
    Ok(())
}

/// Opens a platform's secret for the server's own calls (OAuth, signed gateway requests).
pub async fn open_app_secret(
    pool: &AnyPool,
    sealer: &Sealer,
    platform: &str,
) -> Result<Option<Secret>, AppError> {
    let sealed: Option<Option<String>> =
        sqlx::query_scalar("SELECT secret_sealed FROM platform_apps WHERE platform = $1")
            .bind(platform)
            .fetch_optional(pool)
            .await?;
    match sealed.flatten() {
        None => Ok(None),
        Some(sealed) => sealer
            .open(&secret_slot(platform), &sealed)
            .map(Some)
            .map_err(|e| {
                tracing::error!(platform, error = %e, "sealed app secret does not open");
                AppError::Internal
            }),
    }
}
