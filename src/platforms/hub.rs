//! The platforms' service: the clients, the vault, the clock, and the connected accounts with
//! their sealed tokens. Pages, callbacks and the scheduler all go through it.

use crate::common::claims::{Claim, Claims};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sqlx::{AnyPool, FromRow};

use crate::common::alerts::Alerts;
use crate::common::clock::Clock;
use crate::common::secret::Secret;
use crate::douyin::client::{AppCreds, CallError, DouyinOAuth, Gateway};
use crate::douyin::wire::Tokens;
use crate::error::AppError;
use crate::server::config::Config;
use crate::vault::seal::{Sealer, Slot};

#[derive(Clone)]
pub struct Hub {
    pub pool: AnyPool,
    pub sealer: Sealer,
    pub config: Arc<Config>,
    pub oauth: DouyinOAuth,
    pub content: crate::douyin::content::Content,
    pub gateway: Gateway,
    pub clock: Clock,
    pub alerts: Alerts,
    locks: Arc<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
    syncing: Claims,
    bell: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").finish_non_exhaustive()
    }
}

/// A connected Douyin account or 抖店 shop authorisation (never its tokens).
#[derive(Clone, Debug, FromRow)]
pub struct Account {
    pub id: i64,
    pub platform: String,
    pub external_id: String,
    pub name: String,
    pub scope: String,
    pub access_expires_at: i64,
    pub refresh_expires_at: i64,
    pub renewals: i64,
    pub token_version: i64,
    pub status: String,
    pub status_reason: String,
    pub connected_by: String,
    pub connected_at: i64,
    pub refreshed_at: Option<i64>,
}

const ACCOUNT_COLUMNS: &str = "id, platform, external_id, name, scope, access_expires_at, \
    refresh_expires_at, renewals, token_version, status, status_reason, connected_by, \
    connected_at, refreshed_at";

fn slot(id: i64, field: &'static str) -> Slot {
    Slot::new("platform_accounts", id, field)
}

impl Hub {
    pub fn new(
        pool: AnyPool,
        sealer: Sealer,
        config: Arc<Config>,
        alerts: Alerts,
    ) -> anyhow::Result<Self> {
        let p = &config.platforms;
        let mut gateway = Gateway::new(&config.doudian_api_url, p.doudian_rps, p.time_scale)?;
        if config.shared_database() {
            gateway = gateway.with_shared_pace(pool.clone(), p.doudian_rps);
        }
        Ok(Hub {
            oauth: DouyinOAuth::new(&config.douyin_api_url)?,
            content: crate::douyin::content::Content::new(&config.douyin_api_url)?,
            gateway,
            clock: config.clock(p.time_scale),
            pool,
            sealer,
            alerts,
            config,
            locks: Arc::default(),
            syncing: Claims::default(),
            bell: Arc::default(),
        })
    }

    /// Wakes the scheduler (a new shop was connected).
    pub fn wake(&self) {
        self.bell.notify_one();
    }

    /// Resolves when [`Hub::wake`] is called.
    pub async fn woken(&self) {
        self.bell.notified().await;
    }

    /// The per-account lock that keeps two refreshes of one account from racing.
    pub fn account_lock(&self, id: i64) -> Arc<tokio::sync::Mutex<()>> {
        match self.locks.lock() {
            Ok(mut map) => map.entry(id).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// Claims a shop for one sync in this process; `None` when one is already running.
    pub fn claim_sync(&self, shop: i64) -> Option<Claim> {
        self.syncing.claim(shop)
    }

    pub fn is_syncing(&self, shop: i64) -> bool {
        self.syncing.is_held(shop)
    }

    /// The app key and opened secret of an enabled platform app, or why there is none.
    pub async fn app(&self, platform: &str) -> Result<AppCreds, AppError> {
        let row: Option<(crate::server::db::Flag, String)> =
            sqlx::query_as("SELECT enabled, app_key FROM platform_apps WHERE platform = $1")
                .bind(platform)
                .fetch_optional(&self.pool)
                .await?;
        let label = super::label(platform);
        let Some((crate::server::db::Flag(true), app_key)) = row.filter(|(_, k)| !k.is_empty())
        else {
            return Err(AppError::Invalid(format!(
                "{label}应用尚未启用：请管理员先在「平台应用」页填写并启用"
            )));
        };
        let secret = crate::vault::platforms::open_app_secret(&self.pool, &self.sealer, platform)
            .await?
            .ok_or_else(|| AppError::Invalid(format!("{label}应用还没有保存密钥")))?;
        Ok(AppCreds {
            app_key,
            app_secret: secret,
        })
    }

    pub async fn account(&self, id: i64) -> Result<Option<Account>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM platform_accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM platform_accounts ORDER BY platform, id"
        ))
        .fetch_all(&self.pool)
        .await
    }

    /// Stores a new authorisation (or a re-authorisation of a known account): both tokens
    /// sealed, their expiries, renewals back to 0, status connected.
    pub async fn save_connection(
        &self,
        platform: &str,
        external_id: &str,
        name: &str,
        tokens: &Tokens,
        actor: &str,
    ) -> Result<i64, sqlx::Error> {
        let now = self.clock.now();
        let mut tx = crate::server::db::begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO platform_accounts (platform, external_id, name, scope, connected_by, \
             connected_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, external_id) DO UPDATE \
             SET name = CASE WHEN excluded.name = '' THEN platform_accounts.name ELSE excluded.name END, \
             scope = excluded.scope, connected_by = excluded.connected_by, \
             connected_at = excluded.connected_at RETURNING id",
        )
        .bind(platform)
        .bind(external_id)
        .bind(name)
        .bind(&tokens.scope)
        .bind(actor)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE platform_accounts SET access_token_sealed = $1, refresh_token_sealed = $2, \
             access_expires_at = $3, refresh_expires_at = $4, renewals = 0, \
             token_version = token_version + 1, status = 'connected', status_reason = '', \
             refreshed_at = $5 WHERE id = $6",
        )
        .bind(self.seal(id, "access_token", &tokens.access_token))
        .bind(self.seal(id, "refresh_token", &tokens.refresh_token))
        .bind(now + tokens.expires_in)
        .bind(now + refresh_lifetime(platform, tokens))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    fn seal(&self, id: i64, field: &'static str, value: &str) -> String {
        self.sealer
            .seal(&slot(id, field), &Secret::new(value.to_string()))
    }

    async fn open(&self, id: i64, field: &'static str) -> Result<Secret, AppError> {
        let column = if field == "access_token" {
            "access_token_sealed"
        } else {
            "refresh_token_sealed"
        };
        let sealed: Option<String> = sqlx::query_scalar(&format!(
            "SELECT {column} FROM platform_accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .flatten();
        let sealed = sealed.ok_or_else(|| AppError::Invalid("该账号没有保存的授权".into()))?;
        self.sealer.open(&slot(id, field), &sealed).map_err(|e| {
            tracing::error!(account = id, error = %e, "sealed platform token does not open");
            AppError::Internal
        })
    }

    pub async fn access_token(&self, id: i64) -> Result<Secret, AppError> {
        self.open(id, "access_token").await
    }

    pub async fn refresh_token(&self, id: i64) -> Result<Secret, AppError> {
        self.open(id, "refresh_token").await
    }

    /// Stores refreshed tokens. `renewed` counts one more renew_refresh_token.
    pub async fn store_tokens(
        &self,
        account: &Account,
        access: Option<&Tokens>,
        refresh: Option<&Tokens>,
        renewed: bool,
    ) -> Result<(), sqlx::Error> {
        let now = self.clock.now();
        let id = account.id;
        let mut tx = crate::server::db::begin_write(&self.pool).await?;
        if let Some(t) = access {
            sqlx::query(
                "UPDATE platform_accounts SET access_token_sealed = $1, access_expires_at = $2 \
                 WHERE id = $3",
            )
            .bind(self.seal(id, "access_token", &t.access_token))
            .bind(now + t.expires_in)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(t) = refresh.filter(|t| !t.refresh_token.is_empty()) {
            sqlx::query(
                "UPDATE platform_accounts SET refresh_token_sealed = $1, refresh_expires_at = $2 \
                 WHERE id = $3",
            )
            .bind(self.seal(id, "refresh_token", &t.refresh_token))
            .bind(now + refresh_lifetime(&account.platform, t))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE platform_accounts SET renewals = renewals + $1, token_version = token_version + 1, \
             refreshed_at = $2, status = 'connected', status_reason = '' WHERE id = $3",
        )
        .bind(i64::from(renewed))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The account needs an admin to authorise again; admins are alerted.
    pub async fn mark_reauth(&self, account: &Account, reason: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE platform_accounts SET status = 'reauth', status_reason = $1 WHERE id = $2",
        )
        .bind(reason)
        .bind(account.id)
        .execute(&self.pool)
        .await?;
        tracing::warn!(account = account.id, platform = %account.platform, reason, "platform account needs re-authorisation");
        let subject = format!("{}「{}」", super::label(&account.platform), account.name);
        self.alerts
            .raise(
                &self.pool,
                "platform_reauth",
                &subject,
                &format!("{subject}需要重新授权：{reason}"),
                crate::common::clock::now_unix(),
            )
            .await
    }

    /// Whether `err` means the account must be authorised again; if so it is marked.
    pub async fn note_failure(&self, account: &Account, err: &CallError) -> Result<(), AppError> {
        if err.needs_reauth() {
            self.mark_reauth(account, &err.message()).await?;
        }
        Ok(())
    }
}

/// Seconds a refresh token lives, from the answer or the platform's documented default.
fn refresh_lifetime(platform: &str, tokens: &Tokens) -> i64 {
    match (platform, tokens.refresh_expires_in) {
        (_, Some(secs)) if secs > 0 && platform == "douyin" => secs,
        // Douyin's renew answer calls the refresh token's life `expires_in`.
        ("douyin", _) if tokens.access_token.is_empty() && tokens.expires_in > 0 => {
            tokens.expires_in
        }
        ("douyin", _) => 30 * 86_400,
        _ => 14 * 86_400,
    }
}
