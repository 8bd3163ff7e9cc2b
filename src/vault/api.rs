//! Server functions for the vault. Admin-only unless noted; each authorises, then calls the
//! service. No response carries a secret: at most its last 4 characters.

use leptos::prelude::*;

use super::{
    ApiKeyView, ConnectionCheck, CredentialName, CredentialView, ExpiringCredential,
    PlatformAppView,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::{api_keys, platforms, service};
#[cfg(feature = "ssr")]
use crate::auth::{guard, store::Actor};

#[cfg(feature = "ssr")]
async fn admin_actor() -> Result<(crate::server::state::AppState, Actor), AppError> {
    let (state, admin) = guard::require_admin().await?;
    let actor = Actor::user(&admin, &guard::client_ip().await);
    Ok((state, actor))
}

#[server(prefix = "/sf", endpoint = "ozon_credentials_list")]
pub async fn list_credentials() -> Result<Vec<CredentialView>, AppError> {
    let (state, _) = guard::require_admin().await?;
    service::list_views(&state.pool).await
}

/// Any signed-in user: the names to choose from.
#[server(prefix = "/sf", endpoint = "ozon_credentials_names")]
pub async fn credential_names() -> Result<Vec<CredentialName>, AppError> {
    let (state, _) = guard::require_user().await?;
    service::list_names(&state.pool).await
}

#[server(prefix = "/sf", endpoint = "ozon_credentials_add")]
pub async fn create_credential(
    name: String,
    client_id: String,
    api_key: String,
) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    service::create_credential(
        &state.pool,
        &state.sealer,
        &actor,
        &name,
        &client_id,
        &api_key,
    )
    .await
    .map_err(AppError::respond)?;
    Ok(format!("已添加凭证「{}」", name.trim()))
}

#[server(prefix = "/sf", endpoint = "ozon_credentials_update")]
pub async fn update_credential(
    id: i64,
    name: String,
    client_id: String,
    api_key: String,
) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    service::update_credential(
        &state.pool,
        &state.sealer,
        &actor,
        id,
        &name,
        &client_id,
        &api_key,
    )
    .await
    .map_err(AppError::respond)?;
    Ok(format!("已保存凭证「{}」", name.trim()))
}

#[server(prefix = "/sf", endpoint = "ozon_credentials_delete")]
pub async fn delete_credential(id: i64) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    service::delete_credential(&state.pool, &actor, id)
        .await
        .map_err(AppError::respond)?;
    Ok("凭证已删除".into())
}

#[server(prefix = "/sf", endpoint = "ozon_credentials_test")]
pub async fn test_credential(id: i64) -> Result<ConnectionCheck, AppError> {
    let (state, actor) = admin_actor().await?;
    service::test_credential(&state.pool, &state.sealer, &state.ozon, &actor, id)
        .await
        .map_err(AppError::respond)
}

/// Admins: credentials whose key lapses within 14 days. Staff: always empty.
#[server(prefix = "/sf", endpoint = "ozon_credentials_expiring")]
pub async fn expiring_credentials() -> Result<Vec<ExpiringCredential>, AppError> {
    let (state, user) = guard::require_user().await?;
    if !user.is_admin() {
        return Ok(Vec::new());
    }
    service::expiring(&state.pool).await
}

#[server(prefix = "/sf", endpoint = "platform_apps_list")]
pub async fn list_platform_apps() -> Result<Vec<PlatformAppView>, AppError> {
    let (state, _) = guard::require_admin().await?;
    platforms::list_apps(&state.pool, crate::platforms::registry::is_integrated).await
}

#[server(prefix = "/sf", endpoint = "platform_apps_update")]
pub async fn update_platform_app(
    platform: String,
    enabled: Option<String>,
    app_key: String,
    app_secret: String,
    service_id: Option<String>,
) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    let update = platforms::AppUpdate {
        platform: &platform,
        enabled: enabled.is_some(),
        app_key: &app_key,
        app_secret: &app_secret,
        service_id: service_id.as_deref().unwrap_or_default(),
    };
    platforms::update_app(&state.pool, &state.sealer, &actor, update)
        .await
        .map_err(AppError::respond)?;
    Ok("已保存".into())
}

#[server(prefix = "/sf", endpoint = "api_keys_list")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    let (state, _) = guard::require_admin().await?;
    api_keys::list_api_keys(&state.pool).await
}

/// Returns the new key. It is never shown again.
#[server(prefix = "/sf", endpoint = "api_keys_create")]
pub async fn create_api_key(name: String) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    api_keys::create_api_key(&state.pool, &actor, &name)
        .await
        .map_err(AppError::respond)
}

#[server(prefix = "/sf", endpoint = "api_keys_revoke")]
pub async fn revoke_api_key(id: i64) -> Result<String, AppError> {
    let (state, actor) = admin_actor().await?;
    api_keys::revoke_api_key(&state.pool, &actor, id)
        .await
        .map_err(AppError::respond)?;
    Ok("密钥已吊销".into())
}
