//! 统计's rankings (top products, sales by source) rank every order line of the period, too much
//! to redo for each view at a million orders. They are kept as a snapshot per period, tagged
//! with `stats_gen`, which the database bumps on every change to an order or a line
//! (migrations/0016_volume.sql). A view reads the snapshot; when orders changed since and the
//! snapshot is less than `FRESH_ENOUGH` old, the view shows it and one recomputation starts in
//! the background, so a sync writing pages does not make every view rank again (ranking 90 days
//! of a million orders takes about half a second); an older one, or none (a new install, a new
//! day), is ranked while the view waits, one computation at a time, the others waiting for it.

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use tokio::sync::Mutex;

use super::{SourceRow, TopRow};
use crate::common::money::Fen;

/// How old a ranking may be, when orders changed since, and still be shown while a new one is
/// computed; an older one is recomputed while the view waits (so the first look after a long
/// sync is not last week's ranking).
pub const FRESH_ENOUGH: i64 = 60;

/// One computation at a time in this process.
static COMPUTING: Mutex<()> = Mutex::const_new(());

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Rankings {
    pub top: Vec<TopRow>,
    /// The top products' fen, for the bar chart.
    pub top_fen: Vec<i64>,
    pub sources: Vec<SourceRow>,
    /// When it was computed (unix).
    pub computed_at: i64,
}

#[derive(sqlx::FromRow)]
struct Snapshot {
    from_day: i64,
    gen: i64,
    computed_at: i64,
    payload: String,
}

async fn current_gen(pool: &AnyPool) -> sqlx::Result<i64> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT gen FROM stats_gen WHERE id = 1")
            .fetch_optional(pool)
            .await?
            .unwrap_or(0),
    )
}

async fn snapshot(pool: &AnyPool, days: i64) -> sqlx::Result<Option<(Snapshot, Rankings)>> {
    let row: Option<Snapshot> = sqlx::query_as(
        "SELECT from_day, gen, computed_at, payload FROM stats_snapshots WHERE days = $1",
    )
    .bind(days)
    .fetch_optional(pool)
    .await?;
    // A payload this version cannot read is recomputed, not an error.
    Ok(row.and_then(|s| {
        serde_json::from_str::<Rankings>(&s.payload)
            .ok()
            .map(|r| (s, r))
    }))
}

/// Ranks the period from `from` now and stores the result.
pub async fn compute(pool: &AnyPool, days: i64, from: i64, now: i64) -> sqlx::Result<Rankings> {
    let gen = current_gen(pool).await?;
    let top: Vec<Top> = top_products(pool, from, 10).await?;
    let found: Vec<Source> = sources(pool, from).await?;
    let rankings = Rankings {
        top_fen: top.iter().map(|t| t.fen.0).collect(),
        top: top
            .into_iter()
            .map(|t| TopRow {
                product_id: t.product_id,
                name: t.name,
                orders: t.orders,
                units: t.units,
                gmv_yuan: t.fen.yuan(),
            })
            .collect(),
        sources: found
            .into_iter()
            .map(|s| SourceRow {
                source: s.source,
                id: s.id,
                orders: s.orders,
                gmv_yuan: s.fen.yuan(),
            })
            .collect(),
        computed_at: now,
    };
    let payload = serde_json::to_string(&rankings).unwrap_or_default();
    sqlx::query(
        "INSERT INTO stats_snapshots (days, from_day, gen, computed_at, payload) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (days) DO UPDATE SET from_day = excluded.from_day, \
         gen = excluded.gen, computed_at = excluded.computed_at, payload = excluded.payload",
    )
    .bind(days)
    .bind(from)
    .bind(gen)
    .bind(now)
    .bind(payload)
    .execute(pool)
    .await?;
    Ok(rankings)
}

/// The rankings of the `days` period starting at `from`, as described at the top.
pub async fn get(pool: &AnyPool, days: i64, from: i64, now: i64) -> sqlx::Result<Rankings> {
    let gen = current_gen(pool).await?;
    if let Some((s, r)) = snapshot(pool, days).await? {
        if s.from_day == from && s.gen == gen {
            return Ok(r);
        }
        if s.from_day == from && now - s.computed_at < FRESH_ENOUGH {
            if let Ok(guard) = COMPUTING.try_lock() {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let _guard = guard;
                    if let Err(e) = compute(&pool, days, from, now).await {
                        tracing::warn!(error = %e, "stats rankings refresh failed");
                    }
                });
            }
            return Ok(r);
        }
    }
    let _guard = COMPUTING.lock().await;
    // Another view may have computed it while this one waited.
    if let Some((s, r)) = snapshot(pool, days).await? {
        if s.from_day == from && s.gen == current_gen(pool).await? {
            return Ok(r);
        }
    }
    compute(pool, days, from, now).await
}

/// One product's sales.
#[derive(sqlx::FromRow)]
pub struct Top {
    pub product_id: String,
    pub name: String,
    pub orders: i64,
    pub units: i64,
    pub fen: Fen,
}

/// Sales of one source (a short video, a live room, an author, or 自然流量).
#[derive(sqlx::FromRow)]
pub struct Source {
    pub source: String,
    #[sqlx(rename = "ref")]
    pub id: String,
    pub orders: i64,
    pub fen: Fen,
}

pub async fn top_products(pool: &AnyPool, from: i64, limit: i64) -> sqlx::Result<Vec<Top>> {
    sqlx::query_as(&format!(
        "SELECT l.product_id, MAX(l.product_name) AS name, COUNT(DISTINCT l.order_row) AS orders, \
         CAST(SUM(l.item_num) AS BIGINT) AS units, CAST(SUM(l.pay_amount_fen) AS BIGINT) AS fen FROM shop_orders o {join} shop_order_lines l ON o.id = l.order_row \
         WHERE o.create_time >= $1 AND COALESCE(o.order_status, 0) != 4 \
         GROUP BY l.product_id ORDER BY fen DESC, l.product_id LIMIT $2",
        join = crate::server::db::ordered_join(crate::server::db::backend(pool))
    )
    )
    .bind(from)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Sales per short video, live room and author; lines with none of them are 自然流量.
pub async fn sources(pool: &AnyPool, from: i64) -> sqlx::Result<Vec<Source>> {
    sqlx::query_as(&format!(
        "SELECT CASE WHEN l.video_id != '' THEN '短视频' WHEN l.room_id != '' THEN '直播间' \
         WHEN l.author_id != '' THEN '达人' ELSE '自然流量' END AS source, \
         CASE WHEN l.video_id != '' THEN l.video_id WHEN l.room_id != '' THEN l.room_id \
         ELSE l.author_id END AS ref, COUNT(DISTINCT l.order_row) AS orders, CAST(SUM(l.pay_amount_fen) AS BIGINT) AS fen \
         FROM shop_orders o {join} shop_order_lines l ON o.id = l.order_row \
         WHERE o.create_time >= $1 AND COALESCE(o.order_status, 0) != 4 \
         GROUP BY source, ref ORDER BY fen DESC, ref LIMIT $2",
        join = crate::server::db::ordered_join(crate::server::db::backend(pool))
    )
    )
    .bind(from)
    .bind(super::SOURCES_KEPT as i64)
    .fetch_all(pool)
    .await
}
