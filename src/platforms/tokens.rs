//! Tokens that never lapse: the scheduler refreshes Douyin access tokens days before their
//! 15 days run out and renews refresh tokens before day 30 (at most 5 renewals); 抖店 tokens are
//! refreshed before their 7 days. A call that meets an expired token refreshes once and retries.
//! Two refreshes of one account never race: the second waits and reuses the first's result.

use std::future::Future;

use super::hub::{Account, Hub};
use crate::common::secret::Secret;
use crate::douyin::client::CallError;
use crate::error::AppError;

const DAY: i64 = 86_400;
/// Refresh a Douyin access token this long before it lapses.
pub const DOUYIN_ACCESS_MARGIN: i64 = 5 * DAY;
/// Renew a Douyin refresh token this long before it lapses.
pub const DOUYIN_RENEW_MARGIN: i64 = 7 * DAY;
/// Douyin allows this many renewals per authorisation.
pub const DOUYIN_MAX_RENEWALS: i64 = 5;
/// Refresh a 抖店 access token this long before it lapses.
pub const DOUDIAN_ACCESS_MARGIN: i64 = 3 * DAY;

/// Why a token could not be had.
#[derive(Debug)]
pub enum TokenError {
    Platform(CallError),
    App(AppError),
}

impl TokenError {
    pub fn message(&self) -> String {
        match self {
            TokenError::Platform(e) => e.message(),
            TokenError::App(e) => e.to_string(),
        }
    }
}

impl From<AppError> for TokenError {
    fn from(e: AppError) -> Self {
        TokenError::App(e)
    }
}

impl From<sqlx::Error> for TokenError {
    fn from(e: sqlx::Error) -> Self {
        TokenError::App(e.into())
    }
}

/// What the account needs now, judged at `now`.
pub fn due(account: &Account, now: i64) -> bool {
    if account.status != "connected" {
        return false;
    }
    match account.platform.as_str() {
        "douyin" => {
            account.access_expires_at - now < DOUYIN_ACCESS_MARGIN || renew_due(account, now)
        }
        _ => account.access_expires_at - now < DOUDIAN_ACCESS_MARGIN,
    }
}

fn renew_due(account: &Account, now: i64) -> bool {
    account.platform == "douyin"
        && account.renewals < DOUYIN_MAX_RENEWALS
        && account.refresh_expires_at - now < DOUYIN_RENEW_MARGIN
}

/// Refreshes `id` unless someone else already did since the caller saw `seen_version`
/// (then their result is reused). `force` refreshes even when nothing is due yet.
pub async fn refresh(
    hub: &Hub,
    id: i64,
    seen_version: Option<i64>,
    force: bool,
) -> Result<Account, TokenError> {
    let lock = hub.account_lock(id);
    let _held = lock.lock().await;
    // And across nodes: a refresh on another node finishes first; the account is read after,
    // so its new token version shows that someone else refreshed.
    let lease = format!("token:{id}");
    let _lease = crate::common::lease::hold_when_free(
        &hub.pool,
        &lease,
        crate::common::lease::TTL,
        std::time::Duration::from_secs(90),
    )
    .await?
    .ok_or_else(|| AppError::Invalid("另一节点正在刷新该账号的授权，请稍后再试".into()))?;
    let account = hub
        .account(id)
        .await?
        .ok_or_else(|| AppError::Invalid("账号不存在".into()))?;
    if account.status == "reauth" {
        return Err(
            AppError::Invalid(format!("该账号需要重新授权：{}", account.status_reason)).into(),
        );
    }
    let now = hub.clock.now();
    let someone_else = seen_version.is_some_and(|v| v != account.token_version);
    if someone_else || (!force && !due(&account, now)) {
        return Ok(account);
    }
    if account.refresh_expires_at <= now {
        let reason = "授权已过期（refresh_token 已失效），请重新授权";
        hub.mark_reauth(&account, reason).await?;
        return Err(AppError::Invalid(reason.into()).into());
    }
    let result = match account.platform.as_str() {
        "douyin" => refresh_douyin(hub, &account, now).await,
        _ => refresh_doudian(hub, &account).await,
    };
    if let Err(TokenError::Platform(err)) = &result {
        hub.note_failure(&account, err).await?;
    }
    result?;
    tracing::info!(account = id, platform = %account.platform, "platform tokens refreshed");
    Ok(hub.account(id).await?.unwrap_or(account))
}

async fn refresh_douyin(hub: &Hub, account: &Account, now: i64) -> Result<(), TokenError> {
    let app = hub.app("douyin").await?;
    let mut refresh_token = hub.refresh_token(account.id).await?;
    if renew_due(account, now) {
        let t = hub
            .oauth
            .renew(&app.app_key, &refresh_token)
            .await
            .map_err(TokenError::Platform)?;
        // The old refresh token is dead from here: store the new one before anything else.
        hub.store_tokens(account, None, Some(&t), true).await?;
        refresh_token = Secret::new(t.refresh_token.clone());
    }
    let access = hub
        .oauth
        .refresh(&app.app_key, &refresh_token)
        .await
        .map_err(TokenError::Platform)?;
    hub.store_tokens(account, Some(&access), None, false)
        .await?;
    Ok(())
}

async fn refresh_doudian(hub: &Hub, account: &Account) -> Result<(), TokenError> {
    let app = hub.app("doudian").await?;
    let refresh_token = hub.refresh_token(account.id).await?;
    let t = hub
        .gateway
        .token_refresh(&app, &refresh_token)
        .await
        .map_err(TokenError::Platform)?;
    hub.store_tokens(account, Some(&t), Some(&t), false).await?;
    Ok(())
}

/// Runs `call` with the account's access token; an "access token expired" answer refreshes
/// once (or reuses a concurrent refresh) and runs it again.
pub async fn with_token<T, F, Fut>(hub: &Hub, id: i64, call: F) -> Result<T, TokenError>
where
    F: Fn(Secret) -> Fut,
    Fut: Future<Output = Result<T, CallError>>,
{
    let account = hub
        .account(id)
        .await?
        .ok_or_else(|| AppError::Invalid("账号不存在".into()))?;
    if account.status == "reauth" {
        return Err(
            AppError::Invalid(format!("该账号需要重新授权：{}", account.status_reason)).into(),
        );
    }
    let version = account.token_version;
    match call(hub.access_token(id).await?).await {
        Err(err) if err.access_expired() => {
            tracing::info!(account = id, "access token refused; refreshing once");
            refresh(hub, id, Some(version), true).await?;
            let again = call(hub.access_token(id).await?).await;
            if let Err(err) = &again {
                hub.note_failure(&account, err).await?;
            }
            again.map_err(TokenError::Platform)
        }
        Err(err) => {
            hub.note_failure(&account, &err).await?;
            Err(TokenError::Platform(err))
        }
        ok => ok.map_err(TokenError::Platform),
    }
}

/// One pass of the scheduler: refresh whatever is due, mark lapsed authorisations, and alert
/// once when a Douyin account has used its renewals and will need a new authorisation.
pub async fn refresh_due(hub: &Hub) -> Result<usize, sqlx::Error> {
    let now = hub.clock.now();
    let mut refreshed = 0;
    for account in hub.accounts().await? {
        if account.status != "connected" {
            continue;
        }
        if account.refresh_expires_at <= now {
            hub.mark_reauth(&account, "授权已过期（refresh_token 已失效），请重新授权")
                .await?;
            continue;
        }
        if account.platform == "douyin"
            && account.renewals >= DOUYIN_MAX_RENEWALS
            && account.refresh_expires_at - now < DOUYIN_RENEW_MARGIN
        {
            let subject = format!("抖音账号「{}」", account.name);
            let text = format!(
                "{subject}的授权续期次数已用完，将于 {} 失效，请重新授权",
                crate::ui::time::format_timestamp(account.refresh_expires_at)
            );
            hub.alerts
                .raise(
                    &hub.pool,
                    "platform_expiring",
                    &subject,
                    &text,
                    crate::common::clock::now_unix(),
                )
                .await?;
        }
        if !due(&account, now) {
            continue;
        }
        match refresh(hub, account.id, Some(account.token_version), false).await {
            Ok(_) => refreshed += 1,
            Err(e) => {
                tracing::warn!(account = account.id, error = %e.message(), "token refresh failed")
            }
        }
    }
    Ok(refreshed)
}
