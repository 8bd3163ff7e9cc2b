//! Douyin (open.douyin.com OAuth) and 抖店 (signed gateway): clients, wire parsing, signing,
//! connecting and the shop sync. The platform registry in `platforms/` drives them.

pub mod client;
pub mod content;
pub mod rows;
pub mod sign;
pub mod sync;
pub mod wire;

use crate::auth::store::Actor;
use crate::platforms::hub::Hub;
use crate::vault::secret::Secret;

/// Exchanges an authorisation `code` and stores the account; returns its id and name.
pub async fn connect(
    hub: &Hub,
    platform: &str,
    code: &str,
    actor: &Actor,
) -> Result<(i64, String), String> {
    let app = hub.app(platform).await.map_err(|e| e.to_string())?;
    let db = |e: sqlx::Error| {
        tracing::error!(error = %e, "saving a connection failed");
        "数据库错误".to_string()
    };
    match platform {
        "douyin" => {
            let tokens = hub
                .oauth
                .exchange_code(&app.app_key, &app.app_secret, code)
                .await
                .map_err(|e| e.message())?;
            if tokens.open_id.is_empty() || tokens.access_token.is_empty() {
                return Err("抖音的答复里没有 open_id 或 access_token".into());
            }
            // The nickname names the account on our pages; without it the open_id does.
            let name = match hub
                .oauth
                .user_info(&Secret::new(tokens.access_token.clone()), &tokens.open_id)
                .await
            {
                Ok(info) => info
                    .get("nickname")
                    .and_then(wire::text_of)
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
                .await
                .map_err(db)?;
            Ok((account, name))
        }
        "doudian" => {
            let tokens = hub
                .gateway
                .token_create(&app, code)
                .await
                .map_err(|e| e.message())?;
            if tokens.shop_id.is_empty() || tokens.access_token.is_empty() {
                return Err("抖店的答复里没有 shop_id 或 access_token".into());
            }
            let name: String = if tokens.shop_name.is_empty() {
                format!("店铺 {}", tokens.shop_id)
            } else {
                tokens.shop_name.chars().take(100).collect()
            };
            let account = hub
                .save_connection("doudian", &tokens.shop_id, &name, &tokens, &actor.name)
                .await
                .map_err(db)?;
            Ok((account, name))
        }
        _ => Err("该平台尚未接入".into()),
    }
}

/// The shop row of a 抖店 authorisation (one shop per authorisation).
pub async fn upsert_shop(hub: &Hub, account: i64, shop_id: &str, name: &str) -> sqlx::Result<i64> {
    let now = crate::server::db::now_unix();
    sqlx::query_scalar(
        "INSERT INTO shops (account_id, platform, shop_id, shop_name, created_at, updated_at) \
         VALUES (?, 'doudian', ?, ?, ?, ?) ON CONFLICT (platform, shop_id) DO UPDATE SET \
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
