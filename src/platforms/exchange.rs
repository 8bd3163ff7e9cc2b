//! Exchanging an authorisation code for tokens and storing the account: Douyin through its
//! OAuth endpoint (named by the user's nickname), 抖店 through its gateway (one shop per
//! authorisation).

use super::error::PlatformError;
use super::hub::Hub;
use crate::auth::store::Actor;
use crate::common::secret::Secret;

/// Exchanges a Douyin authorisation `code` and stores the account, named by its nickname
/// (or its open_id when Douyin will not say); returns its id and name.
pub async fn connect_douyin(
    hub: &Hub,
    code: &str,
    actor: &Actor,
) -> Result<(i64, String), PlatformError> {
    let app = hub.app("douyin").await?;
    let tokens = hub
        .oauth
        .exchange_code(&app.app_key, &app.app_secret, code)
        .await
        .map_err(PlatformError::from)?;
    if tokens.open_id.is_empty() || tokens.access_token.is_empty() {
        return Err(PlatformError::Platform(
            "抖音的答复里没有 open_id 或 access_token".into(),
        ));
    }
    // The nickname names the account on our pages; without it the open_id does.
    let name = match hub
        .oauth
        .user_info(&Secret::new(tokens.access_token.clone()), &tokens.open_id)
        .await
    {
        Ok(info) => info
            .get("nickname")
            .and_then(crate::douyin::wire::text_of)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| tokens.open_id.clone()),
        Err(e) => {
            tracing::info!(error = %e.message(), "user info unavailable; naming by open_id");
            tokens.open_id.clone()
        }
    };
    let name: String = name.chars().take(100).collect();
    let account = hub
        .save_connection("douyin", &tokens.open_id, &name, &tokens, &actor.name)
        .await?;
    Ok((account, name))
}

/// Exchanges a 抖店 authorisation `code` through the gateway and stores the shop's
/// authorisation; returns its id and name.
pub async fn connect_doudian(
    hub: &Hub,
    code: &str,
    actor: &Actor,
) -> Result<(i64, String), PlatformError> {
    let app = hub.app("doudian").await?;
    let tokens = hub
        .gateway
        .token_create(&app, code)
        .await
        .map_err(PlatformError::from)?;
    if tokens.shop_id.is_empty() || tokens.access_token.is_empty() {
        return Err(PlatformError::Platform(
            "抖店的答复里没有 shop_id 或 access_token".into(),
        ));
    }
    let name: String = if tokens.shop_name.is_empty() {
        format!("店铺 {}", tokens.shop_id)
    } else {
        tokens.shop_name.chars().take(100).collect()
    };
    let account = hub
        .save_connection("doudian", &tokens.shop_id, &name, &tokens, &actor.name)
        .await?;
    Ok((account, name))
}

/// The shop row of a 抖店 authorisation (one shop per authorisation).
pub async fn upsert_shop(hub: &Hub, account: i64, shop_id: &str, name: &str) -> sqlx::Result<i64> {
    let now = crate::common::clock::now_unix();
    sqlx::query_scalar(
        "INSERT INTO shops (account_id, platform, shop_id, shop_name, created_at, updated_at) \
         VALUES ($1, 'doudian', $2, $3, $4, $5) ON CONFLICT (platform, shop_id) DO UPDATE SET \
         account_id = excluded.account_id, shop_name = excluded.shop_name, \
         updated_at = excluded.updated_at RETURNING id",
    )
    .bind(account)
    .bind(shop_id)
    .bind(name)
    .bind(now)
    .bind(now)
    .fetch_one(&hub.pool)
    .await
}
