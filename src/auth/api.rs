//! Server functions for accounts. Each one authorises first, then calls the service.

use leptos::prelude::*;

use super::{AuditEntry, CurrentUser, LoginOutcome, UserSummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::{guard, service, store, Role};

/// Signs in. The session id is renewed on success.
#[server(prefix = "/sf", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<LoginOutcome, AppError> {
    let state = crate::server::state::AppState::current()?;
    let session = guard::current_session().await?;
    let ip = guard::client_ip().await;
    let (outcome, user) = service::authenticate(&state.pool, &username, password, &ip).await?;
    if let Some(user) = user {
        guard::sign_in(
            &session,
            &state.pool,
            user.id,
            state.config.session_max_hours,
        )
        .await?;
    }
    Ok(outcome)
}

/// The signed-in user, or `None`.
#[server(prefix = "/sf", endpoint = "me")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    let state = crate::server::state::AppState::current()?;
    guard::current_user(&state).await
}

/// Whether this server runs `shopbridge demo` (its data is demo data).
#[server(prefix = "/sf", endpoint = "demo_mode")]
pub async fn demo_mode() -> Result<bool, AppError> {
    Ok(crate::server::state::AppState::current()?.config.demo)
}

#[server(prefix = "/sf", endpoint = "users_list")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let (state, _) = guard::require_admin().await?;
    let rows = store::list_users(&state.pool).await?;
    Ok(rows.iter().map(|r| r.summary()).collect())
}

#[server(prefix = "/sf", endpoint = "users_add")]
pub async fn add_user(
    name: String,
    display_name: String,
    role: String,
    password: String,
) -> Result<String, AppError> {
    let (state, admin) = guard::require_admin().await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::Invalid("角色无效".into()).respond())?;
    let actor = store::Actor::user(&admin, &guard::client_ip().await);
    service::create_user(&state.pool, &actor, &name, &display_name, role, password)
        .await
        .map_err(AppError::respond)?;
    Ok(format!("已添加用户 {}", name.trim()))
}

#[server(prefix = "/sf", endpoint = "users_set_disabled")]
pub async fn set_user_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    let (state, admin) = guard::require_admin().await?;
    let actor = store::Actor::user(&admin, &guard::client_ip().await);
    service::set_user_disabled(&state.pool, &actor, id, disabled)
        .await
        .map_err(AppError::respond)
}

#[server(prefix = "/sf", endpoint = "users_reset_password")]
pub async fn reset_user_password(id: i64, password: String) -> Result<String, AppError> {
    let (state, admin) = guard::require_admin().await?;
    let actor = store::Actor::user(&admin, &guard::client_ip().await);
    service::set_password(&state.pool, &actor, id, password, "password_reset")
        .await
        .map_err(AppError::respond)?;
    if id == admin.id {
        let session = guard::current_session().await?;
        guard::keep_after_password_change(&session, &state.pool, id).await?;
    }
    Ok("密码已重置，该用户的其他登录已全部退出".into())
}

#[server(prefix = "/sf", endpoint = "password_change")]
pub async fn change_password(current: String, new: String) -> Result<String, AppError> {
    let (state, user) = guard::require_user().await?;
    let ip = guard::client_ip().await;
    service::change_own_password(&state.pool, &user, &ip, current, new)
        .await
        .map_err(AppError::respond)?;
    let session = guard::current_session().await?;
    guard::keep_after_password_change(&session, &state.pool, user.id).await?;
    Ok("密码已修改，其他设备上的登录已全部退出".into())
}

#[server(prefix = "/sf", endpoint = "audit_list")]
pub async fn list_audit(action: Option<String>) -> Result<Vec<AuditEntry>, AppError> {
    let (state, _) = guard::require_admin().await?;
    let action = action.filter(|a| !a.is_empty());
    Ok(store::list_audit(&state.pool, action.as_deref(), 500).await?)
}
