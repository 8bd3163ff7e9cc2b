//! Ozon's per-product limits, kept on our side so they are never hit: stock writes to one
//! product–warehouse pair at most once per 30 s (writes in between are merged, the last value
//! wins — the PRD's UAT-004), and at most 10 price updates per product per hour.

use sqlx::AnyPool;

/// Seconds between two stock writes to the same pair.
pub const STOCK_GAP_SECS: i64 = 30;
/// Added to both rules: our clock counts whole seconds and a request takes time to arrive, so
/// the next write is held 2 s past the limit and Ozon never sees it early.
pub const MARGIN_SECS: i64 = 2;
/// Price updates allowed per product per hour.
pub const PRICES_PER_HOUR: usize = 10;

/// Queues a stock write; a write already waiting (or in flight) for the pair takes the new value
/// and keeps its time. Answers when it will go out (unix seconds), for the page to show.
pub async fn put_stock(
    pool: &AnyPool,
    offer_id: &str,
    warehouse_id: i64,
    stock: i64,
    now: i64,
) -> sqlx::Result<i64> {
    let max = crate::server::db::greatest(pool);
    sqlx::query_scalar(&format!(
        "INSERT INTO stock_pending (offer_id, warehouse_id, stock, due_at) \
         VALUES ($1, $2, $3, {max}($4, COALESCE((SELECT sent_at + $5 FROM stock_sent \
                 WHERE offer_id = $1 AND warehouse_id = $2), 0))) \
         ON CONFLICT (offer_id, warehouse_id) DO UPDATE SET stock = excluded.stock, \
           due_at = CASE WHEN stock_pending.sending IS NULL THEN stock_pending.due_at \
           ELSE {max}(stock_pending.due_at, stock_pending.sending + $5) END \
         RETURNING due_at",
    ))
    .bind(offer_id)
    .bind(warehouse_id)
    .bind(stock)
    .bind(now)
    .bind(STOCK_GAP_SECS + MARGIN_SECS)
    .fetch_one(pool)
    .await
}

/// Takes up to `limit` writes that are due and not in flight (Ozon takes 100 pairs per request)
/// and marks them in flight. Each is then settled by [`stock_applied`], [`stock_released`] or
/// [`stock_dropped`]; until then it stays queued, so nothing sends the pair again meanwhile.
pub async fn take_due_stocks(
    pool: &AnyPool,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<(String, i64, i64)>> {
    // The pick locks what it takes on PostgreSQL and passes over what another node holds.
    sqlx::query_as(&format!(
        "WITH picked AS (SELECT offer_id AS o, warehouse_id AS w FROM stock_pending \
                         WHERE sending IS NULL AND due_at <= $1 \
                         ORDER BY due_at, offer_id LIMIT $2{}) \
         UPDATE stock_pending SET sending = $1, sent_stock = stock, sending_owner = $3 \
         FROM picked WHERE stock_pending.offer_id = picked.o \
           AND stock_pending.warehouse_id = picked.w \
         RETURNING offer_id, warehouse_id, stock",
        crate::server::db::skip_locked(pool)
    ))
    .bind(now)
    .bind(limit)
    .bind(crate::common::lease::node_id())
    .fetch_all(pool)
    .await
}

/// Ozon applied the write at `at` (when its answer came, never earlier than Ozon applied it):
/// the pair's 30 s count from then. A newer value typed meanwhile waits its turn; otherwise the
/// write is done.
pub async fn stock_applied(
    pool: &AnyPool,
    offer_id: &str,
    warehouse_id: i64,
    at: i64,
) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO stock_sent (offer_id, warehouse_id, sent_at) VALUES ($1, $2, $3) \
         ON CONFLICT (offer_id, warehouse_id) DO UPDATE SET sent_at = excluded.sent_at",
    )
    .bind(offer_id)
    .bind(warehouse_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM stock_pending WHERE offer_id = $1 AND warehouse_id = $2 AND stock = sent_stock",
    )
    .bind(offer_id)
    .bind(warehouse_id)
    .execute(&mut *tx)
    .await?;
    release(
        &mut tx,
        offer_id,
        warehouse_id,
        at + STOCK_GAP_SECS + MARGIN_SECS,
    )
    .await?;
    tx.commit().await
}

/// The write did not land (throttled, a transient failure, no answer for the pair): it goes
/// out again at `due`, with whatever value is newest by then.
pub async fn stock_released(
    pool: &AnyPool,
    offer_id: &str,
    warehouse_id: i64,
    due: i64,
) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    release(&mut tx, offer_id, warehouse_id, due).await?;
    tx.commit().await
}

/// Ozon refused the value for good: it is not sent again, unless a newer one was typed meanwhile
/// (that one goes out at `due`).
pub async fn stock_dropped(
    pool: &AnyPool,
    offer_id: &str,
    warehouse_id: i64,
    due: i64,
) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    sqlx::query(
        "DELETE FROM stock_pending WHERE offer_id = $1 AND warehouse_id = $2 AND stock = sent_stock",
    )
    .bind(offer_id)
    .bind(warehouse_id)
    .execute(&mut *tx)
    .await?;
    release(&mut tx, offer_id, warehouse_id, due).await?;
    tx.commit().await
}

async fn release(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    offer_id: &str,
    warehouse_id: i64,
    due: i64,
) -> sqlx::Result<()> {
    let max = crate::server::db::backend_of(tx).greatest();
    sqlx::query(&format!(
        "UPDATE stock_pending SET sending = NULL, sent_stock = NULL, sending_owner = NULL, \
         due_at = {max}(due_at, $1) \
         WHERE offer_id = $2 AND warehouse_id = $3 AND sending IS NOT NULL",
    ))
    .bind(due)
    .bind(offer_id)
    .bind(warehouse_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// At start-up on SQLite (one node): writes that were in flight when the process stopped go out
/// again, no sooner than 30 s after they were taken (Ozon may have applied them just before the
/// stop).
pub async fn recover_stocks(pool: &AnyPool) -> sqlx::Result<u64> {
    let done = sqlx::query(&format!(
        "UPDATE stock_pending SET due_at = {}(due_at, sending + $1), sending = NULL, \
         sent_stock = NULL, sending_owner = NULL WHERE sending IS NOT NULL",
        crate::server::db::greatest(pool)
    ))
    .bind(STOCK_GAP_SECS + MARGIN_SECS)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Nodes sharing PostgreSQL: writes in flight on a node whose node lease ran out (it stopped)
/// go out again, no sooner than 30 s after they were taken.
pub async fn recover_orphaned_stocks(pool: &AnyPool, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(&format!(
        "UPDATE stock_pending SET due_at = {}(due_at, sending + $1), sending = NULL, \
         sent_stock = NULL, sending_owner = NULL WHERE sending IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM leases l WHERE l.name = 'listing-worker:' || stock_pending.sending_owner \
          AND l.expires_at > $2)",
        crate::server::db::greatest(pool)
    ))
    .bind(STOCK_GAP_SECS + MARGIN_SECS)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// When the next price update of a product may go out, given when its accepted updates went
/// (any order): now, or an hour after the oldest of the last ten within the hour.
pub fn next_price_slot(sent: &[i64], now: i64) -> i64 {
    let mut recent: Vec<i64> = sent.iter().copied().filter(|t| *t > now - 3600).collect();
    if recent.len() < PRICES_PER_HOUR {
        return now;
    }
    recent.sort_unstable();
    recent[recent.len() - PRICES_PER_HOUR] + 3600
}

/// `next_price_slot` from the product's accepted rows in `price_log`.
pub async fn price_slot(pool: &AnyPool, offer_id: &str, now: i64) -> sqlx::Result<i64> {
    let sent: Vec<i64> = sqlx::query_scalar(
        "SELECT created_at FROM price_log WHERE offer_id = $1 AND state = 'accepted' AND created_at > $2",
    )
    .bind(offer_id)
    .bind(now - 3600)
    .fetch_all(pool)
    .await?;
    let slot = next_price_slot(&sent, now);
    Ok(if slot > now { slot + MARGIN_SECS } else { slot })
}

/// When the product's next waiting stock write goes out, if one waits.
pub async fn next_stock_due(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT MIN(due_at) FROM stock_pending WHERE offer_id = $1")
        .bind(offer_id)
        .fetch_one(pool)
        .await
}

/// The product's waiting stock writes: (warehouse, stock, due).
pub async fn pending_of(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(
        "SELECT warehouse_id, stock, due_at FROM stock_pending WHERE offer_id = $1 ORDER BY warehouse_id",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_prices_an_hour_at_most() {
        assert_eq!(next_price_slot(&[], 10_000), 10_000);
        let nine: Vec<i64> = (0..9).map(|i| 9_000 + i * 60).collect();
        assert_eq!(next_price_slot(&nine, 10_000), 10_000);
        let ten: Vec<i64> = (0..10).map(|i| 9_000 + i * 60).collect();
        assert_eq!(next_price_slot(&ten, 10_000), 9_000 + 3600);
        // Old updates no longer count.
        let mut old = ten.clone();
        old.iter_mut().for_each(|t| *t -= 3600);
        assert_eq!(next_price_slot(&old, 10_000), 10_000);
        // Eleven in any order: the slot opens an hour after the oldest of the last ten.
        let mut eleven: Vec<i64> = (0..11).map(|i| 8_000 + i * 100).collect();
        eleven.reverse();
        assert_eq!(next_price_slot(&eleven, 9_100), 8_100 + 3600);
    }
}
