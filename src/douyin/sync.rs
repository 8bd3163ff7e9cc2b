//! 抖店 shop sync: products (`/product/listV2`, pages from 1, ≤ 100 a page and ≤ 10,000 reachable,
//! so a window holding more is split by update time) and orders (`/order/searchList`, pages from
//! 0, windows of one day in seconds, amounts in fen). Every page's rows and the cursor that
//! follows them are written in one transaction, so a sync cut short (even by kill -9) resumes
//! from its cursor and never stores a row twice.

use serde_json::{json, Value};
use sqlx::FromRow;

use super::rows;
use super::wire::int_of;
use crate::platforms::hub::Hub;
use crate::platforms::tokens::with_token;

pub const PAGE_SIZE: i64 = 100;
/// `page × size` may not pass this.
pub const REACH: i64 = 10_000;
/// One order window.
pub const ORDER_WINDOW: i64 = 86_400;
/// How far back the first order sync reaches.
pub const ORDER_HISTORY: i64 = 90 * 86_400;
/// A run stops this far behind now (clocks differ) and the next starts this far before the
/// last watermark, so a row updated at a boundary is never missed.
pub const LAG: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Products,
    Orders,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Products => "products",
            Kind::Orders => "orders",
        }
    }

    fn first_page(self) -> i64 {
        match self {
            Kind::Products => 1,
            Kind::Orders => 0,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Products => "商品",
            Kind::Orders => "订单",
        }
    }
}

#[derive(Clone, Debug, FromRow)]
pub struct Shop {
    pub id: i64,
    pub account_id: i64,
    pub platform: String,
    pub shop_id: String,
    pub shop_name: String,
}

pub async fn shops(hub: &Hub) -> sqlx::Result<Vec<Shop>> {
    sqlx::query_as("SELECT id, account_id, platform, shop_id, shop_name FROM shops ORDER BY id")
        .fetch_all(&hub.pool)
        .await
}

pub async fn shop(hub: &Hub, id: i64) -> sqlx::Result<Option<Shop>> {
    sqlx::query_as("SELECT id, account_id, platform, shop_id, shop_name FROM shops WHERE id = ?")
        .bind(id)
        .fetch_optional(&hub.pool)
        .await
}

#[derive(Clone, Debug, FromRow)]
struct Cursor {
    watermark: i64,
    window_start: Option<i64>,
    window_end: Option<i64>,
    run_end: Option<i64>,
    page: i64,
    fetched: i64,
}

async fn cursor(hub: &Hub, shop: i64, kind: Kind) -> sqlx::Result<Cursor> {
    sqlx::query("INSERT OR IGNORE INTO shop_sync (shop_row, kind) VALUES (?, ?)")
        .bind(shop)
        .bind(kind.as_str())
        .execute(&hub.pool)
        .await?;
    sqlx::query_as(
        "SELECT watermark, window_start, window_end, run_end, page, fetched FROM shop_sync \
         WHERE shop_row = ? AND kind = ?",
    )
    .bind(shop)
    .bind(kind.as_str())
    .fetch_one(&hub.pool)
    .await
}

/// Where a window may end: products take the rest of the run at once (split when too big),
/// orders a day at a time.
fn window_end(kind: Kind, start: i64, run_end: i64) -> i64 {
    match kind {
        Kind::Products => run_end,
        Kind::Orders => (start + ORDER_WINDOW).min(run_end),
    }
}

struct Page {
    items: Vec<Value>,
    total: i64,
}

async fn fetch(
    hub: &Hub,
    shop: &Shop,
    kind: Kind,
    start: i64,
    end: i64,
    page: i64,
) -> Result<Page, String> {
    let (path, params) = match kind {
        Kind::Products => (
            "/product/listV2",
            json!({"page": page, "size": PAGE_SIZE, "update_start_time": start, "update_end_time": end}),
        ),
        Kind::Orders => (
            "/order/searchList",
            json!({"page": page, "size": PAGE_SIZE, "update_time_start": start, "update_time_end": end,
                   "order_by": "update_time", "order_asc": true}),
        ),
    };
    let app = hub.app("doudian").await.map_err(|e| e.to_string())?;
    let data = with_token(hub, shop.account_id, |token| {
        let app = app.clone();
        let params = params.clone();
        async move { hub.gateway.call(&app, path, &params, Some(&token)).await }
    })
    .await
    .map_err(|e| e.message())?;
    let list = match kind {
        Kind::Products => &data["data"],
        Kind::Orders => &data["shop_order_list"],
    };
    Ok(Page {
        items: list.as_array().cloned().unwrap_or_default(),
        total: data.get("total").and_then(int_of).unwrap_or(0),
    })
}

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub fetched: i64,
    pub note: String,
}

/// Syncs one kind for one shop, from its cursor to now.
pub async fn sync_kind(hub: &Hub, shop: &Shop, kind: Kind) -> Result<Outcome, String> {
    let db = |e: sqlx::Error| {
        tracing::error!(error = %e, "shop sync database error");
        "数据库错误".to_string()
    };
    let mut cur = cursor(hub, shop.id, kind).await.map_err(db)?;
    let now = hub.clock.now();
    let (mut start, mut end, run_end, mut page) =
        match (cur.window_start, cur.window_end, cur.run_end) {
            (Some(s), Some(e), Some(r)) => (s, e, r, cur.page),
            _ => {
                let run_end = now - LAG;
                let start = match (kind, cur.watermark) {
                    (Kind::Orders, 0) => run_end - ORDER_HISTORY,
                    (_, w) => (w - LAG).max(0),
                };
                cur.fetched = 0;
                (
                    start,
                    window_end(kind, start, run_end),
                    run_end,
                    kind.first_page(),
                )
            }
        };
    save_cursor(
        hub,
        shop.id,
        kind,
        Some((start, end, run_end, page)),
        cur.fetched,
        None,
    )
    .await
    .map_err(db)?;
    let mut note = String::new();
    loop {
        let got = fetch(hub, shop, kind, start, end, page).await?;
        if page == kind.first_page() && got.total > REACH && end - start > 1 {
            end = start + (end - start) / 2;
            tracing::info!(
                shop = shop.id,
                kind = kind.as_str(),
                total = got.total,
                start,
                end,
                "window over 10000; split"
            );
            save_cursor(
                hub,
                shop.id,
                kind,
                Some((start, end, run_end, page)),
                cur.fetched,
                None,
            )
            .await
            .map_err(db)?;
            continue;
        }
        if got.total > REACH && page == kind.first_page() {
            note = format!(
                "；同一秒内更新的{}超过 10000 个，只取得前 10000 个",
                kind.noun()
            );
        }
        let reached = (page - kind.first_page() + 1) * PAGE_SIZE;
        let more = got.items.len() as i64 == PAGE_SIZE && reached < got.total && reached < REACH;
        let next = if more {
            Some((start, end, run_end, page + 1))
        } else if end < run_end {
            let s = end;
            Some((s, window_end(kind, s, run_end), run_end, kind.first_page()))
        } else {
            None
        };
        cur.fetched += got.items.len() as i64;
        store_page(hub, shop, kind, &got.items, next, cur.fetched, run_end)
            .await
            .map_err(db)?;
        match next {
            Some((s, e, _, p)) => {
                start = s;
                end = e;
                page = p;
            }
            None => break,
        }
    }
    Ok(Outcome {
        fetched: cur.fetched,
        note: format!("同步了 {} 个{}{note}", cur.fetched, kind.noun()),
    })
}

async fn save_cursor(
    hub: &Hub,
    shop: i64,
    kind: Kind,
    window: Option<(i64, i64, i64, i64)>,
    fetched: i64,
    watermark: Option<i64>,
) -> sqlx::Result<()> {
    let mut tx = crate::server::db::begin_write(&hub.pool).await?;
    write_cursor(&mut tx, shop, kind, window, fetched, watermark).await?;
    tx.commit().await
}

async fn write_cursor(
    tx: &mut sqlx::SqliteConnection,
    shop: i64,
    kind: Kind,
    window: Option<(i64, i64, i64, i64)>,
    fetched: i64,
    watermark: Option<i64>,
) -> sqlx::Result<()> {
    let (s, e, r, p) = match window {
        Some((s, e, r, p)) => (Some(s), Some(e), Some(r), p),
        None => (None, None, None, 0),
    };
    sqlx::query(
        "UPDATE shop_sync SET window_start = ?, window_end = ?, run_end = ?, page = ?, \
         fetched = ?, watermark = COALESCE(?, watermark), \
         started_at = COALESCE(started_at, ?) WHERE shop_row = ? AND kind = ?",
    )
    .bind(s)
    .bind(e)
    .bind(r)
    .bind(p)
    .bind(fetched)
    .bind(watermark)
    .bind(crate::server::db::now_unix())
    .bind(shop)
    .bind(kind.as_str())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn store_page(
    hub: &Hub,
    shop: &Shop,
    kind: Kind,
    items: &[Value],
    next: Option<(i64, i64, i64, i64)>,
    fetched: i64,
    run_end: i64,
) -> sqlx::Result<()> {
    let now = crate::server::db::now_unix();
    let mut tx = crate::server::db::begin_write(&hub.pool).await?;
    for item in items {
        match kind {
            Kind::Products => rows::upsert_product(&mut tx, shop.id, item, now).await?,
            Kind::Orders => rows::upsert_order(&mut tx, shop.id, item, now).await?,
        }
    }
    let watermark = next.is_none().then_some(run_end);
    write_cursor(&mut tx, shop.id, kind, next, fetched, watermark).await?;
    tx.commit().await
}

/// Records how a run ended (the cursor stays where it is, so a failed run resumes).
pub async fn finish(
    hub: &Hub,
    shop: i64,
    kind: Kind,
    result: &Result<Outcome, String>,
) -> sqlx::Result<()> {
    let (ok, text) = match result {
        Ok(o) => (true, o.note.clone()),
        Err(why) => (false, why.clone()),
    };
    sqlx::query(
        "UPDATE shop_sync SET finished_at = ?, ok = ?, result = ?, \
         started_at = CASE WHEN window_start IS NULL THEN NULL ELSE started_at END \
         WHERE shop_row = ? AND kind = ?",
    )
    .bind(crate::server::db::now_unix())
    .bind(ok)
    .bind(text)
    .bind(shop)
    .bind(kind.as_str())
    .execute(&hub.pool)
    .await?;
    Ok(())
}
