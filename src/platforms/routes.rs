//! Connecting accounts: `GET /oauth/{douyin,doudian}/start` sends an admin to the platform with a
//! random `state` bound to their session; `GET /oauth/{platform}/callback` checks and consumes
//! that state (single use, 10 minutes), exchanges the code, seals the tokens and sends the admin
//! back to 平台 with a message in Chinese (kept in the session, so no code stays in the URL).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use super::hub::Hub;
use crate::auth::guard::user_from_session;
use crate::auth::store::{append_audit, Actor};
use crate::auth::CurrentUser;
use crate::common::clock::now_unix;
use crate::common::digest::{random_token, sha256_hex};
use crate::douyin::client::with_query;
use crate::error::AppError;
use crate::server::state::AppState;

/// Seconds a state stays usable.
pub const STATE_LIFETIME: i64 = 600;
const BINDING_KEY: &str = "oauth_binding";
pub const FLASH_KEY: &str = "platform_flash";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/{platform}/start", get(start))
        .route("/oauth/{platform}/callback", get(callback))
}

/// The success or failure message the 平台 page shows once.
#[derive(Clone, Debug, serde::Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub message: String,
}

async fn flash(session: &Session, ok: bool, message: String) -> Response {
    if let Err(e) = session.insert(FLASH_KEY, Flash { ok, message }).await {
        tracing::error!(error = %e, "flash not stored");
    }
    Redirect::to("/platforms").into_response()
}

async fn admin(state: &AppState, session: &Session) -> Result<CurrentUser, Response> {
    match user_from_session(&state.pool, session).await {
        Some(user) if user.is_admin() => Ok(user),
        Some(_) => Err(AppError::Forbidden.status().into_response()),
        None => Err(Redirect::to("/login").into_response()),
    }
}

/// A new state for `platform`, bound to this session and this admin.
pub async fn issue_state(
    hub: &Hub,
    session: &Session,
    user: &CurrentUser,
    platform: &str,
) -> Result<String, AppError> {
    let binding: String = match session.get::<String>(BINDING_KEY).await.ok().flatten() {
        Some(b) => b,
        None => {
            let b = random_token();
            session.insert(BINDING_KEY, &b).await.map_err(|e| {
                tracing::error!(error = %e, "session write failed");
                AppError::Internal
            })?;
            b
        }
    };
    let state = random_token();
    let now = now_unix();
    sqlx::query("DELETE FROM oauth_states WHERE created_at < $1")
        .bind(now - 86_400)
        .execute(&hub.pool)
        .await?;
    sqlx::query(
        "INSERT INTO oauth_states (state_hash, platform, user_id, binding_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&state))
    .bind(platform)
    .bind(user.id)
    .bind(sha256_hex(&binding))
    .bind(now)
    .execute(&hub.pool)
    .await?;
    Ok(state)
}

/// Checks and consumes `state`: it must exist, be unused, younger than 10 minutes, for this
/// platform, and come back to the session and admin that asked for it.
pub async fn consume_state(
    hub: &Hub,
    session: &Session,
    user: &CurrentUser,
    platform: &str,
    state: &str,
) -> Result<(), String> {
    let refused = "授权请求无效：state 不匹配或已被使用，请从本页重新发起授权".to_string();
    let binding: Option<String> = session.get(BINDING_KEY).await.ok().flatten();
    let Some(binding) = binding else {
        return Err(refused);
    };
    let now = now_unix();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE oauth_states SET used_at = $1 WHERE state_hash = $2 AND platform = $3 \
         AND user_id = $4 AND binding_hash = $5 AND used_at IS NULL RETURNING created_at",
    )
    .bind(now)
    .bind(sha256_hex(state))
    .bind(platform)
    .bind(user.id)
    .bind(sha256_hex(&binding))
    .fetch_optional(&hub.pool)
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "oauth state lookup failed");
        "服务器内部错误，请稍后再试".to_string()
    })?;
    match row {
        None => Err(refused),
        Some((created,)) if now - created > STATE_LIFETIME => {
            Err("授权请求已过期（超过 10 分钟），请重新发起授权".into())
        }
        Some(_) => Ok(()),
    }
}

/// The authorize URL for `platform` with a fresh state.
pub async fn authorize_url(
    hub: &Hub,
    session: &Session,
    user: &CurrentUser,
    platform: &str,
) -> Result<String, AppError> {
    let app = hub.app(platform).await?;
    let state = issue_state(hub, session, user, platform).await?;
    match platform {
        "douyin" => Ok(hub.oauth.authorize_url(
            &app.app_key,
            &hub.config.platforms.douyin_scopes,
            &format!("{}/oauth/douyin/callback", hub.config.public_url),
            &state,
        )),
        "doudian" => {
            let service_id: String = sqlx::query_scalar(
                "SELECT service_id FROM platform_apps WHERE platform = 'doudian'",
            )
            .fetch_one(&hub.pool)
            .await?;
            if service_id.is_empty() {
                return Err(AppError::Invalid(
                    "抖店应用还没有填写 service_id（服务市场的服务 ID）".into(),
                ));
            }
            Ok(with_query(
                &format!(
                    "{}/authorize",
                    hub.config.platforms.doudian_auth_url.trim_end_matches('/')
                ),
                &[
                    ("service_id", service_id.as_str()),
                    ("state", state.as_str()),
                ],
            ))
        }
        _ => Err(AppError::Invalid("该平台尚未接入".into())),
    }
}

async fn start(
    State(state): State<AppState>,
    session: Session,
    Path(platform): Path<String>,
) -> Response {
    let user = match admin(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match authorize_url(&state.platforms, &session, &user, &platform).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(err) => flash(&session, false, err.to_string()).await,
    }
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn callback(
    State(app): State<AppState>,
    session: Session,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(platform): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let user = match admin(&app, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let hub = &app.platforms;
    let label = super::label(&platform);
    let state = query.state.unwrap_or_default();
    if let Err(why) = consume_state(hub, &session, &user, &platform, &state).await {
        tracing::warn!(platform = %platform, "oauth callback with a bad state refused");
        return flash(&session, false, why).await;
    }
    let code = query.code.unwrap_or_default();
    if code.is_empty() || code.len() > 512 {
        let why = query
            .error_description
            .or(query.error)
            .unwrap_or_else(|| "没有收到授权码".into());
        return flash(&session, false, format!("{label}授权未完成：{why}")).await;
    }
    let actor = Actor::user(&user, &peer.ip().to_string());
    let Some(adapter) = super::registry::adapter(&platform) else {
        return flash(&session, false, "该平台尚未接入".into()).await;
    };
    match adapter.connect(hub, &code, &actor).await {
        Ok((account, name)) => {
            let _ = append_audit(&hub.pool, &actor, "platform_connect", label, &name).await;
            match adapter.sync_shops(hub, account).await {
                // The scheduler starts the first sync of a new shop at once.
                Ok(shops) if shops > 0 => hub.wake(),
                Ok(_) => {}
                Err(why) => tracing::warn!(account, error = %why, "shops not synced"),
            }
            flash(&session, true, format!("已连接{label}「{name}」")).await
        }
        Err(why) => flash(&session, false, format!("{label}授权失败：{why}")).await,
    }
}
