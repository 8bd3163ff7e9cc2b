//! Who is calling: the session, the signed-in user and their role, checked on the server for
//! every server function.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use sqlx::AnyPool;
use tower_sessions::Session;

use super::{store, CurrentUser};
use crate::error::AppError;
use crate::server::state::AppState;

/// Session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "uid";
/// The user's password generation when the session signed in (`users.session_gen`).
const SESSION_GEN_KEY: &str = "gen";
/// When the session ends however active it is (unix seconds).
const SESSION_UNTIL_KEY: &str = "until";

/// The user behind `session`, if it names an existing, enabled account, was signed in under
/// the account's current password and is within its absolute lifetime.
pub async fn user_from_session(pool: &AnyPool, session: &Session) -> Option<CurrentUser> {
    let id: i64 = session.get(SESSION_USER_KEY).await.ok().flatten()?;
    let gen: i64 = session.get(SESSION_GEN_KEY).await.ok().flatten()?;
    let until: i64 = session.get(SESSION_UNTIL_KEY).await.ok().flatten()?;
    if crate::common::clock::now_unix() >= until {
        return None;
    }
    let row = store::find_user_by_id(pool, id).await.ok().flatten()?;
    (!row.disabled && row.session_gen == gen).then(|| row.current_user())
}

/// Marks `session` as signed in for `user` (a fresh id), for at most `max_hours`.
pub async fn sign_in(
    session: &Session,
    pool: &AnyPool,
    user_id: i64,
    max_hours: u64,
) -> Result<(), AppError> {
    let internal = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "session write failed");
        AppError::Internal
    };
    let row = store::find_user_by_id(pool, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    session.cycle_id().await.map_err(internal)?;
    let until = crate::common::clock::now_unix() + (max_hours as i64) * 3600;
    session
        .insert(SESSION_USER_KEY, user_id)
        .await
        .map_err(internal)?;
    session
        .insert(SESSION_GEN_KEY, row.session_gen)
        .await
        .map_err(internal)?;
    session
        .insert(SESSION_UNTIL_KEY, until)
        .await
        .map_err(internal)
}

/// After this session's own user changed their password: this session goes on, every other
/// one of theirs is over.
pub async fn keep_after_password_change(
    session: &Session,
    pool: &AnyPool,
    user_id: i64,
) -> Result<(), AppError> {
    let row = store::find_user_by_id(pool, user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    session.cycle_id().await.map_err(|e| {
        tracing::error!(error = %e, "session cycle failed");
        AppError::Internal
    })?;
    session
        .insert(SESSION_GEN_KEY, row.session_gen)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session write failed");
            AppError::Internal
        })
}

/// The session of the current server-function request.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// The caller's address: the socket's, or — only when the socket is a configured trusted
/// proxy (`SHOPBRIDGE_TRUSTED_PROXIES`) — the nearest `X-Forwarded-For` hop that is not one.
pub async fn client_ip() -> String {
    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return "unknown".into();
    };
    let trusted = AppState::current()
        .map(|s| s.config.trusted_proxies.clone())
        .unwrap_or_default();
    if trusted.is_empty() {
        return peer.ip().to_string();
    }
    let headers = leptos_axum::extract::<axum::http::HeaderMap>()
        .await
        .unwrap_or_default();
    resolve_ip(peer.ip(), &headers, &trusted).to_string()
}

/// See [`client_ip`]: every `X-Forwarded-For` header, read right to left (the right end was
/// appended by the proxy nearest to us), stopping at the first address that is not a trusted
/// proxy. Anything unreadable ends the walk at the last trusted hop.
pub fn resolve_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[ipnet::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<std::net::IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// The user the sign-in gate already found for this request, kept in the request's
/// extensions so the page's server functions (rendered in the same request) do not read the
/// session and the account again.
#[derive(Clone, Debug)]
pub struct SignedIn(pub CurrentUser);

/// The caller of the current server function (or page render): the gate's answer when this
/// request passed it, else the session's.
pub async fn current_user(state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let known = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().map(|s| s.0.clone()));
    if let Some(user) = known {
        return Ok(Some(user));
    }
    let session = current_session().await?;
    Ok(user_from_session(&state.pool, &session).await)
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<(AppState, CurrentUser), AppError> {
    let state = AppState::current()?;
    match current_user(&state).await? {
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

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().expect("net")];
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.9, 10.0.0.7"),
        );
        let proxy = "10.0.0.2".parse().expect("ip");
        let stranger = "198.51.100.1".parse().expect("ip");
        assert_eq!(
            resolve_ip(proxy, &headers, &trusted).to_string(),
            "203.0.113.9"
        );
        assert_eq!(resolve_ip(stranger, &headers, &trusted), stranger);
        assert_eq!(resolve_ip(proxy, &headers, &[]), proxy);
        let mut junk = HeaderMap::new();
        junk.insert(
            "x-forwarded-for",
            HeaderValue::from_static("evil, 10.0.0.9"),
        );
        assert_eq!(resolve_ip(proxy, &junk, &trusted).to_string(), "10.0.0.9");
    }
}
