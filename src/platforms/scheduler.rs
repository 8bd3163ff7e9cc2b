//! The scheduler: keeps tokens fresh and syncs every shop on its schedule (default every 15
//! minutes, incrementally by update time); a sync cut short by a restart resumes at once.

use std::time::Duration;

use super::hub::Hub;
use super::registry::adapter;
use super::sync::{self, Kind, Shop};

/// Syncs a shop's products, then its orders, through its platform's adapter, unless a sync of
/// it already runs in this process.
pub async fn sync_shop(hub: &Hub, shop: &Shop) -> Result<String, String> {
    let Some(adapter) = adapter(&shop.platform) else {
        return Err("该平台尚未接入".into());
    };
    let Some(_guard) = hub.claim_sync(shop.id) else {
        return Err("该店铺正在同步中".into());
    };
    // Across nodes too: one sync of a shop at a time.
    let _lease = match crate::common::lease::hold(
        &hub.pool,
        &format!("sync:{}", shop.id),
        crate::common::lease::TTL,
    )
    .await
    {
        Ok(Some(held)) => held,
        Ok(None) => return Err("该店铺正在另一节点同步中".into()),
        Err(e) => {
            tracing::error!(shop = shop.id, error = %e, "sync lease not taken");
            return Err("数据库错误".into());
        }
    };
    let mut notes = Vec::new();
    for kind in [Kind::Products, Kind::Orders] {
        let result = match kind {
            Kind::Products => adapter.sync_products(hub, shop).await,
            Kind::Orders => adapter.sync_orders(hub, shop).await,
        };
        if let Err(e) = sync::finish(hub, shop.id, kind, &result).await {
            tracing::error!(error = %e, "sync result not stored");
        }
        match result {
            Ok(o) => notes.push(o.note),
            Err(why) => {
                tracing::warn!(shop = shop.id, kind = kind.as_str(), error = %why, "shop sync failed");
                return Err(why.to_string());
            }
        }
    }
    Ok(notes.join("，"))
}

/// Shops whose last sync is older than the schedule, or was cut short.
pub async fn due_shops(hub: &Hub) -> sqlx::Result<Vec<Shop>> {
    let every = hub
        .clock
        .real(hub.config.platforms.sync_minutes * 60)
        .as_secs() as i64;
    let now = crate::common::clock::now_unix();
    sqlx::query_as(
        "SELECT s.id, s.account_id, s.platform, s.shop_id, s.shop_name FROM shops s \
         JOIN platform_accounts a ON a.id = s.account_id \
         WHERE a.status = 'connected' AND ( \
           (SELECT COUNT(*) FROM shop_sync y WHERE y.shop_row = s.id) < 2 \
           OR EXISTS (SELECT 1 FROM shop_sync y WHERE y.shop_row = s.id AND \
             (y.window_start IS NOT NULL OR y.finished_at IS NULL OR y.finished_at <= $1)))",
    )
    .bind(now - every)
    .fetch_all(&hub.pool)
    .await
}

/// One pass: tokens, then due shops (one at a time; each is paced by the gateway).
pub async fn tick(hub: &Hub) {
    if let Err(e) = super::tokens::refresh_due(hub).await {
        tracing::warn!(error = %e, "token refresh pass failed");
    }
    match due_shops(hub).await {
        Ok(shops) => {
            for shop in shops {
                if hub.is_syncing(shop.id) {
                    continue;
                }
                let _ = sync_shop(hub, &shop).await;
            }
        }
        Err(e) => tracing::warn!(error = %e, "due shops not read"),
    }
}

/// Runs until the task is aborted: a pass every simulated 10 minutes, at most a minute apart,
/// on one node at a time.
pub async fn run(hub: Hub) {
    let every = hub
        .clock
        .real(600)
        .clamp(Duration::from_millis(50), Duration::from_secs(60));
    loop {
        // Several nodes: whoever holds the lease runs this pass; the others wait for the next.
        match crate::common::lease::hold(
            &hub.pool,
            "platforms:scheduler",
            crate::common::lease::TTL,
        )
        .await
        {
            Ok(Some(held)) => {
                tick(&hub).await;
                held.release().await;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "scheduler lease not taken"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = hub.woken() => {}
        }
    }
}
