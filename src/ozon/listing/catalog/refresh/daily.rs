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
        for id in ids {
            let opened = crate::vault::service::open_credential(&pool, &sealer, id).await;
            let Ok((_, creds)) = opened else {
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
        }
    }
}
