//! Reads behind the 平台, 店铺, 商品 and 订单 pages.

use sqlx::AnyPool;

use super::hub::{Account, Hub};
use super::{label, AccountView, PlatformView, ProductInfo, ProductRow, ShopView, SyncView};
use crate::common::money::Fen;
use crate::server::db::{Flag, MaybeFlag};
use crate::ui::time::format_timestamp;

pub(super) fn when(at: i64) -> String {
    if at <= 0 {
        "—".into()
    } else {
        format_timestamp(at)
    }
}

pub async fn platforms(pool: &AnyPool) -> sqlx::Result<Vec<PlatformView>> {
    let rows: Vec<(String, Flag)> = sqlx::query_as("SELECT platform, enabled FROM platform_apps")
        .fetch_all(pool)
        .await?;
    Ok(crate::vault::platforms::PLATFORMS
        .iter()
        .map(|(platform, ..)| {
            let integrated = super::registry::is_integrated(platform);
            let enabled = rows.iter().any(|(p, e)| p == platform && e.0);
            let (connect_label, connect_href) = match *platform {
                "douyin" => ("连接抖音账号", "/oauth/douyin/start"),
                "doudian" => ("授权抖店", "/oauth/doudian/start"),
                _ => ("", ""),
            };
            PlatformView {
                platform: platform.to_string(),
                label: label(platform).to_string(),
                integrated,
                enabled,
                connect_label: connect_label.into(),
                connect_href: connect_href.into(),
            }
        })
        .collect())
}

/// connected | expiring | reauth, judged on the platform clock.
pub fn status_of(account: &Account, now: i64) -> &'static str {
    if account.status != "connected" {
        return "reauth";
    }
    let soon = 5 * 86_400;
    let renew_spent =
        account.platform != "douyin" || account.renewals >= super::tokens::DOUYIN_MAX_RENEWALS;
    if account.access_expires_at <= now || (renew_spent && account.refresh_expires_at - now < soon)
    {
        "expiring"
    } else {
        "connected"
    }
}

pub async fn accounts(hub: &Hub) -> sqlx::Result<Vec<AccountView>> {
    let now = hub.clock.now();
    // Clock seconds shown as wall time: the difference from now, put on the wall clock.
    let wall = |at: i64| {
        if at <= 0 {
            "—".to_string()
        } else {
            format_timestamp(crate::common::clock::now_unix() + (at - now))
        }
    };
    let mut views = Vec::new();
    for a in hub.accounts().await? {
        let last: Option<(Option<i64>, MaybeFlag, String)> = sqlx::query_as(
            "SELECT y.finished_at, y.ok, y.result FROM shop_sync y JOIN shops s ON s.id = y.shop_row \
             WHERE s.account_id = $1 ORDER BY y.finished_at DESC LIMIT 1",
        )
        .bind(a.id)
        .fetch_optional(&hub.pool)
        .await?;
        let (last_sync, last_ok, last_result) = match last {
            Some((Some(at), ok, result)) => (when(at), ok.0.unwrap_or(false), result),
            _ => ("—".to_string(), true, String::new()),
        };
        let status = status_of(&a, now);
        views.push(AccountView {
            id: a.id,
            platform_label: label(&a.platform).into(),
            status_label: match status {
                "reauth" => "需要重新授权",
                "expiring" => "即将过期",
                _ => "已连接",
            }
            .into(),
            status: status.into(),
            access_expires: wall(a.access_expires_at),
            refresh_expires: wall(a.refresh_expires_at),
            platform: a.platform,
            name: a.name,
            external_id: a.external_id,
            status_reason: a.status_reason,
            renewals: a.renewals,
            last_sync,
            last_result,
            last_ok,
            connected_by: a.connected_by,
        });
    }
    Ok(views)
}

async fn sync_view(hub: &Hub, shop: i64, kind: &str) -> sqlx::Result<SyncView> {
    type SyncRow = (Option<i64>, Option<i64>, MaybeFlag, String);
    let row: Option<SyncRow> = sqlx::query_as(
        "SELECT window_start, finished_at, ok, result FROM shop_sync WHERE shop_row = $1 AND kind = $2",
    )
    .bind(shop)
    .bind(kind)
    .fetch_optional(&hub.pool)
    .await?;
    let running = hub.is_syncing(shop);
    Ok(match row {
        None => SyncView {
            running,
            ..SyncView::default()
        },
        Some((window, finished, ok, result)) => SyncView {
            running,
            resumable: window.is_some() && !running,
            last_at: finished.map(when).unwrap_or_default(),
            ok: ok.0,
            result,
        },
    })
}

pub async fn shop_names(pool: &AnyPool) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, shop_name FROM shops ORDER BY id")
        .fetch_all(pool)
        .await
}

pub async fn shops(hub: &Hub) -> sqlx::Result<Vec<ShopView>> {
    let rows: Vec<(i64, String, String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.platform, s.shop_id, s.shop_name, a.status, \
         COALESCE(c.products, 0), COALESCE(c.orders, 0) \
         FROM shops s JOIN platform_accounts a ON a.id = s.account_id \
         LEFT JOIN shop_counts c ON c.shop_row = s.id ORDER BY s.id",
    )
    .fetch_all(&hub.pool)
    .await?;
    let mut views = Vec::new();
    for (id, platform, shop_id, shop_name, status, products, orders) in rows {
        views.push(ShopView {
            id,
            platform_label: label(&platform).into(),
            shop_id,
            shop_name,
            account_status: if status == "connected" {
                "已连接"
            } else {
                "需要重新授权"
            }
            .into(),
            products,
            orders,
            product_sync: sync_view(hub, id, "products").await?,
            order_sync: sync_view(hub, id, "orders").await?,
        });
    }
    Ok(views)
}

fn product_status(status: Option<i64>) -> &'static str {
    match status {
        Some(0) => "在线",
        Some(1) => "下线",
        Some(2) => "已删除",
        _ => "未知",
    }
}

fn check_status(status: Option<i64>) -> &'static str {
    match status {
        Some(1) => "草稿",
        Some(2) => "审核中",
        Some(3) => "审核通过",
        Some(4) => "审核驳回",
        Some(5) => "封禁",
        Some(7) => "通过待上架",
        _ => "未知",
    }
}

/// A product row as `PRODUCT_SELECT` reads it.
#[derive(sqlx::FromRow)]
pub(super) struct ProductDbRow {
    pub(super) id: i64,
    pub(super) update_time: Option<i64>,
    shop_name: String,
    product_id: String,
    name: String,
    img: String,
    status: Option<i64>,
    check_status: Option<i64>,
    outer_product_id: String,
    category: String,
}

pub(super) fn product_row(p: ProductDbRow) -> ProductRow {
    ProductRow {
        id: p.id,
        shop_name: p.shop_name,
        product_id: p.product_id,
        name: p.name,
        img: p.img,
        status: product_status(p.status).into(),
        check_status: check_status(p.check_status).into(),
        outer_product_id: p.outer_product_id,
        category: p.category,
        updated: p.update_time.map(when).unwrap_or_default(),
    }
}

pub(super) const PRODUCT_SELECT: &str =
    "SELECT p.id, s.shop_name, p.product_id, p.name, p.img, p.status, \
    p.check_status, p.outer_product_id, p.category, p.update_time FROM shop_products p \
    JOIN shops s ON s.id = p.shop_row";

pub async fn product(pool: &AnyPool, id: i64) -> sqlx::Result<Option<ProductInfo>> {
    let row: Option<ProductDbRow> = sqlx::query_as(&format!("{PRODUCT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    #[derive(sqlx::FromRow)]
    struct More {
        create_time: Option<i64>,
        raw: String,
        shop_row: i64,
    }
    let more: More =
        sqlx::query_as("SELECT create_time, raw, shop_row FROM shop_products WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?;
    let (orders, units, fen): (i64, i64, Fen) = sqlx::query_as(
        "SELECT COUNT(DISTINCT l.order_row), COALESCE(CAST(SUM(l.item_num) AS BIGINT), 0), \
         COALESCE(CAST(SUM(l.pay_amount_fen) AS BIGINT), 0) FROM shop_order_lines l \
         JOIN shop_orders o ON o.id = l.order_row WHERE o.shop_row = $1 AND l.product_id = $2",
    )
    .bind(more.shop_row)
    .bind(&row.product_id)
    .fetch_one(pool)
    .await?;
    let raw = serde_json::from_str::<serde_json::Value>(&more.raw)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default();
    Ok(Some(ProductInfo {
        row: product_row(row),
        created: more.create_time.map(when).unwrap_or_default(),
        orders,
        units,
        sales_yuan: fen.yuan(),
        raw,
    }))
}
