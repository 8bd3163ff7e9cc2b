//! The daily refresh of every account that has a cache.

use super::refresh;

/// Daily: refreshes the cache of every credential that has one (and finishes any refresh a
/// restart interrupted, right after start-up).
pub async fn refresh_daily(
    pool: sqlx::AnyPool,
    ozon: crate::ozon::client::OzonClient,
    sealer: crate::vault::seal::Sealer,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
    loop {
        tick.tick().await;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT credential_id FROM catalog_nodes \
             UNION SELECT credential_id FROM catalog_refreshes WHERE status = 'running'",
        )
        .fetch_all(&pool)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "category cache refresh could not list the accounts");
            Vec::new()
        });
        let shared = crate::server::db::backend(&pool) == crate::server::db::Backend::Postgres;
        for id in ids {
            // Several nodes: one refreshes an account, and one that another node refreshed in
            // the last 20 hours is not refreshed again.
            let Ok(Some(held)) = crate::common::lease::hold(
                &pool,
                &format!("catalog:{id}"),
                crate::common::lease::TTL,
            )
            .await
            else {
                continue;
            };
            if shared && refreshed_lately(&pool, id).await {
                held.release().await;
                continue;
            }
            let opened = crate::vault::service::open_credential(&pool, &sealer, id).await;
            let Ok((_, creds)) = opened else {
                held.release().await;
                continue;
            };
            match refresh(&pool, &ozon, id, &creds).await {
                Ok(diff) if !diff.is_empty() => {
                    tracing::warn!(
                        credential = id,
                        flagged = diff.flagged_drafts.len(),
                        "类目缓存有变化"
                    )
                }
                Ok(_) => tracing::info!(credential = id, "category cache refreshed"),
                Err(err) => {
                    tracing::warn!(credential = id, error = %err, "category cache refresh failed")
                }
            }
            held.release().await;
        }
    }
}

/// Whether account `id`'s cache was refreshed in the last 20 hours and no refresh of it was
/// cut short.
async fn refreshed_lately(pool: &sqlx::AnyPool, id: i64) -> bool {
    let since = crate::common::clock::now_unix() - 20 * 3600;
    let row: sqlx::Result<(i64, i64)> = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM catalog_refreshes WHERE credential_id = $1 \
                 AND status = 'done' AND finished_at >= $2), \
                (SELECT COUNT(*) FROM catalog_refreshes WHERE credential_id = $1 \
                 AND status = 'running')",
    )
    .bind(id)
    .bind(since)
    .fetch_one(pool)
    .await;
    matches!(row, Ok((done, 0)) if done > 0)
}
