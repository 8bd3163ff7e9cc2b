//! Who is calling: the session, the signed-in user and their role, checked on the server for
//! every server function.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use sqlx::SqlitePool;
use tower_sessions::Session;

use super::{store, CurrentUser};
use crate::error::AppError;
use crate::server::state::AppState;

/// Session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "uid";

/// The user behind `session`, if it names an existing, enabled account.
pub async fn user_from_session(pool: &SqlitePool, session: &Session) -> Option<CurrentUser> {
    let id: i64 = session.get(SESSION_USER_KEY).await.ok().flatten()?;
    let row = store::find_user_by_id(pool, id).await.ok().flatten()?;
    (!row.disabled).then(|| row.current_user())
}

/// The session of the current server-function request.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// The caller's address, as the socket saw it.
pub async fn client_ip() -> String {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<(AppState, CurrentUser), AppError> {
    let state = AppState::current()?;
    let session = current_session().await?;
    match user_from_session(&state.pool, &session).await {
        Some(user) => Ok((state, user)),
        None => Err(AppError::Unauthorized.respond()),
    }
}

/// A signed-in admin, or 401/403.
pub async fn require_admin() -> Result<(AppState, CurrentUser), AppError> {
    let (state, user) = require_user().await?;
    if user.is_admin() {
        Ok((state, user))
    } else {
        tracing::warn!(user = %user.name, "admin server function refused");
        Err(AppError::Forbidden.respond())
    }
}
