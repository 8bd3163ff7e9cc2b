//! 抖店 shop sync: products (`/product/listV2`, pages from 1, ≤ 100 a page and ≤ 10,000 reachable,
//! so a window holding more is split by update time) and orders (`/order/searchList`, pages from
//! 0, windows of one day in seconds, amounts in fen). Every page's rows and the cursor that
//! follows them are written in one transaction, so a sync cut short (even by kill -9) resumes
//! from its cursor and never stores a row twice.

use serde_json::{json, Value};
use sqlx::FromRow;

use super::error::PlatformError;
use super::hub::Hub;
use super::rows;
use super::tokens::with_token;
use crate::douyin::client::AppCreds;
use crate::douyin::wire::int_of;

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
    sqlx::query_as("SELECT id, account_id, platform, shop_id, shop_name FROM shops WHERE id = $1")
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
    sqlx::query("INSERT INTO shop_sync (shop_row, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(shop)
        .bind(kind.as_str())
        .execute(&hub.pool)
        .await?;
    sqlx::query_as(
        "SELECT watermark, window_start, window_end, run_end, page, fetched FROM shop_sync \
         WHERE shop_row = $1 AND kind = $2",
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

/// Where a run stands: the update-time window being read, the page next read in it, and the
/// end of the whole run.
#[derive(Clone, Copy, Debug)]
struct Window {
    start: i64,
    end: i64,
    run_end: i64,
    page: i64,
}

impl Window {
    /// The first page of the window after this one, or `None` at the end of the run.
    fn next(self, kind: Kind) -> Option<Window> {
        let start = match kind {
            // Product windows are read inclusive (see `fetch`), so the next starts a second on.
            Kind::Products => self.end + 1,
            Kind::Orders => self.end,
        };
        (start < self.run_end).then(|| Window {
            start,
            end: window_end(kind, start, self.run_end),
            run_end: self.run_end,
            page: kind.first_page(),
        })
    }
}

async fn fetch(
    hub: &Hub,
    app: &AppCreds,
    shop: &Shop,
    kind: Kind,
    w: Window,
) -> Result<Page, String> {
    let (path, params) = match kind {
        // listV2 excludes both boundary seconds ("不包含入参时间"): asking for one second more
        // on each side reads [start, end] whole, and the next window starts at end + 1, so a
        // product updated on a boundary second is read exactly once.
        Kind::Products => (
            "/product/listV2",
            json!({"page": w.page, "size": PAGE_SIZE, "update_start_time": w.start - 1, "update_end_time": w.end + 1}),
        ),
        Kind::Orders => (
            "/order/searchList",
            json!({"page": w.page, "size": PAGE_SIZE, "update_time_start": w.start, "update_time_end": w.end,
                   "order_by": "update_time", "order_asc": true}),
        ),
    };
    let data = with_token(hub, shop.account_id, |token| {
        let params = params.clone();
        async move { hub.gateway.call(app, path, &params, Some(&token)).await }
    })
    .await
    .map_err(|e| e.message())?;
    let list = match kind {
        Kind::Products => &data["data"],
        Kind::Orders => &data["shop_order_list"],
    };
    // `data` may be null on success, and a page may omit `total`: then a full page means
    // "maybe more" and the window is read on until a short page.
    let items: Vec<Value> = list
        .as_array()
        .map(|a| a.iter().filter(|v| v.is_object()).cloned().collect())
        .unwrap_or_default();
    let total = data.get("total").and_then(int_of).unwrap_or_else(|| {
        let reached = (w.page - kind.first_page() + 1) * PAGE_SIZE;
        if items.len() as i64 == PAGE_SIZE {
            reached + 1
        } else {
            reached - PAGE_SIZE + items.len() as i64
        }
    });
    Ok(Page { items, total })
}

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub fetched: i64,
    pub note: String,
}

/// Syncs one kind for one shop, from its cursor to now.
pub async fn sync_kind(hub: &Hub, shop: &Shop, kind: Kind) -> Result<Outcome, PlatformError> {
    let db = PlatformError::from;
    // The app's key and secret are read once per run, not once per page.
    let app = hub.app("doudian").await?;
    let mut cur = cursor(hub, shop.id, kind).await.map_err(db)?;
    let mut w = match (cur.window_start, cur.window_end, cur.run_end) {
        (Some(start), Some(end), Some(run_end)) => Window {
            start,
            end,
            run_end,
            page: cur.page,
        },
        _ => {
            let run_end = hub.clock.now() - LAG;
            let start = match (kind, cur.watermark) {
                (Kind::Orders, 0) => run_end - ORDER_HISTORY,
                (_, w) => (w - LAG).max(0),
            };
            cur.fetched = 0;
            Window {
                start,
                end: window_end(kind, start, run_end),
                run_end,
                page: kind.first_page(),
            }
        }
    };
    let mut note = String::new();
    // A window not yet in the database (a new run, or one just split) is stored before reading.
    let mut unsaved = true;
    loop {
        if unsaved {
            let mut tx = crate::server::db::begin_write(&hub.pool)
                .await
                .map_err(db)?;
            write_cursor(&mut tx, shop.id, kind, Some(w), cur.fetched, None)
                .await
                .map_err(db)?;
            tx.commit().await.map_err(db)?;
            unsaved = false;
        }
        let got = fetch(hub, &app, shop, kind, w)
            .await
            .map_err(PlatformError::Platform)?;
        let first = w.page == kind.first_page();
        if first && got.total > REACH && w.end - w.start > 1 {
            w.end = w.start + (w.end - w.start) / 2;
            tracing::info!(
                shop = shop.id,
                kind = kind.as_str(),
                total = got.total,
                start = w.start,
                end = w.end,
                "window over 10000; split"
            );
            unsaved = true;
            continue;
        }
        if first && got.total > REACH {
            note = format!(
                "；同一秒内更新的{}超过 10000 个，只取得前 10000 个",
                kind.noun()
            );
        }
        let reached = (w.page - kind.first_page() + 1) * PAGE_SIZE;
        let more = got.items.len() as i64 == PAGE_SIZE && reached < got.total && reached < REACH;
        let next = if more {
            Some(Window {
                page: w.page + 1,
                ..w
            })
        } else {
            w.next(kind)
        };
        cur.fetched += got.items.len() as i64;
        store_page(hub, shop, kind, &got.items, next, cur.fetched, w.run_end)
            .await
            .map_err(db)?;
        match next {
            Some(n) => w = n,
            None => break,
        }
    }
    Ok(Outcome {
        fetched: cur.fetched,
        note: format!("同步了 {} 个{}{note}", cur.fetched, kind.noun()),
    })
}

async fn write_cursor(
    tx: &mut sqlx::AnyConnection,
    shop: i64,
    kind: Kind,
    window: Option<Window>,
    fetched: i64,
    watermark: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE shop_sync SET window_start = $1, window_end = $2, run_end = $3, page = $4, \
         fetched = $5, watermark = COALESCE($6, watermark), \
         started_at = COALESCE(started_at, $7) WHERE shop_row = $8 AND kind = $9",
    )
    .bind(window.map(|w| w.start))
    .bind(window.map(|w| w.end))
    .bind(window.map(|w| w.run_end))
    .bind(window.map(|w| w.page).unwrap_or(0))
    .bind(fetched)
    .bind(watermark)
    .bind(crate::common::clock::now_unix())
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
    next: Option<Window>,
    fetched: i64,
    run_end: i64,
) -> sqlx::Result<()> {
    let now = crate::common::clock::now_unix();
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
    result: &Result<Outcome, PlatformError>,
) -> sqlx::Result<()> {
    let (ok, text) = match result {
        Ok(o) => (true, o.note.clone()),
        Err(why) => (false, why.to_string()),
    };
    sqlx::query(
        "UPDATE shop_sync SET finished_at = $1, ok = $2, result = $3, \
         started_at = CASE WHEN window_start IS NULL THEN NULL ELSE started_at END \
         WHERE shop_row = $4 AND kind = $5",
    )
    .bind(crate::common::clock::now_unix())
    .bind(ok)
    .bind(text)
    .bind(shop)
    .bind(kind.as_str())
    .execute(&hub.pool)
    .await?;
    Ok(())
}
