//! Server functions of the 平台, 店铺, 商品 and 订单 pages: authorise, then call the hub.
//! Nothing here returns a token or a secret.

use leptos::prelude::*;

use super::{OrderPage, Overview, ProductInfo, ProductPage, ShopView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard;

#[server(prefix = "/sf", endpoint = "platforms_overview")]
pub async fn platforms_overview() -> Result<Overview, AppError> {
    let (app, user) = guard::require_user().await?;
    let session = guard::current_session().await?;
    let flash: Option<super::routes::Flash> = session
        .remove(super::routes::FLASH_KEY)
        .await
        .ok()
        .flatten();
    Ok(Overview {
        platforms: super::store::platforms(&app.pool).await?,
        accounts: super::store::accounts(&app.platforms).await?,
        flash: flash.map(|f| (f.ok, f.message)),
        is_admin: user.is_admin(),
    })
}

/// Admins: refresh an account's tokens now.
#[server(prefix = "/sf", endpoint = "platforms_refresh")]
pub async fn refresh_account(id: i64) -> Result<String, AppError> {
    let (app, _) = guard::require_admin().await?;
    let account = app
        .platforms
        .account(id)
        .await?
        .ok_or_else(|| AppError::Invalid("账号不存在".into()).respond())?;
    let Some(adapter) = super::registry::adapter(&account.platform) else {
        return Err(AppError::Invalid("该平台尚未接入".into()).respond());
    };
    adapter
        .refresh(&app.platforms, id, Some(account.token_version))
        .await
        .map_err(|why| AppError::Invalid(format!("刷新失败：{why}")).respond())?;
    Ok(format!("已刷新「{}」的授权", account.name))
}

#[server(prefix = "/sf", endpoint = "shops_list")]
pub async fn shops_list() -> Result<Vec<ShopView>, AppError> {
    let (app, _) = guard::require_user().await?;
    Ok(super::store::shops(&app.platforms).await?)
}

/// The shops' ids and names, for the filters of 订单 (one small read; `shops_list` also reads
/// each shop's sync state).
#[server(prefix = "/sf", endpoint = "shop_names")]
pub async fn shop_names() -> Result<Vec<(i64, String)>, AppError> {
    let (app, _) = guard::require_user().await?;
    Ok(super::store::shop_names(&app.pool).await?)
}

/// Starts a sync of one shop now (it runs on; the 店铺 page shows its progress).
#[server(prefix = "/sf", endpoint = "shops_sync")]
pub async fn sync_shop(id: i64) -> Result<String, AppError> {
    let (app, user) = guard::require_user().await?;
    let hub = app.platforms.clone();
    let shop = super::sync::shop(&hub, id)
        .await?
        .ok_or_else(|| AppError::Invalid("店铺不存在".into()).respond())?;
    if hub.is_syncing(id) {
        return Ok(format!("「{}」正在同步中", shop.shop_name));
    }
    tracing::info!(shop = id, user = %user.name, "shop sync requested");
    let name = shop.shop_name.clone();
    tokio::spawn(async move {
        let _ = super::scheduler::sync_shop(&hub, &shop).await;
    });
    Ok(format!("已开始同步「{name}」"))
}

/// One page of products: `page` alone jumps (OFFSET, the first thousand pages); `cursor`
/// (a page's `next` or `prev`) goes on from there at any depth, `page` then only labels it.
#[server(prefix = "/sf", endpoint = "products_page")]
pub async fn products_page(
    query: String,
    shop: i64,
    page: i64,
    cursor: String,
) -> Result<ProductPage, AppError> {
    let (app, _) = guard::require_user().await?;
    if query.chars().count() > 100 {
        return Err(AppError::Invalid("搜索词最多 100 个字符".into()).respond());
    }
    let start = start(&cursor, page)?;
    let mut found = super::lists::products(&app.pool, &query, shop, start).await?;
    label_page(&mut found.page, page);
    Ok(found)
}

#[cfg(feature = "ssr")]
fn start(cursor: &str, page: i64) -> Result<super::lists::Start, AppError> {
    super::lists::Start::parse(cursor, page).map_err(|why| AppError::Invalid(why).respond())
}

/// A keyset page has no number of its own: it is the one the caller says it asked for.
#[cfg(feature = "ssr")]
fn label_page(shown: &mut i64, asked: i64) {
    if *shown == 0 {
        *shown = asked.max(1);
    }
}

#[server(prefix = "/sf", endpoint = "product_detail")]
pub async fn product_detail(id: i64) -> Result<Option<ProductInfo>, AppError> {
    let (app, _) = guard::require_user().await?;
    Ok(super::store::product(&app.pool, id).await?)
}

#[server(prefix = "/sf", endpoint = "orders_page")]
pub async fn orders_page(
    shop: i64,
    status: i64,
    from: String,
    to: String,
    page: i64,
    cursor: String,
) -> Result<OrderPage, AppError> {
    let (app, _) = guard::require_user().await?;
    let date = |text: &str, end: bool| -> Result<i64, AppError> {
        if text.trim().is_empty() {
            return Ok(0);
        }
        crate::ui::time::parse_date(text)
            .map(|d| if end { d + 86_400 } else { d })
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "日期「{}」无效，应为 YYYY-MM-DD",
                    text.chars().take(20).collect::<String>()
                ))
                .respond()
            })
    };
    let (from, to) = (date(&from, false)?, date(&to, true)?);
    if from != 0 && to != 0 && from >= to {
        return Err(AppError::Invalid("开始日期不能晚于结束日期".into()).respond());
    }
    let start = start(&cursor, page)?;
    let filter = super::lists::OrderFilter {
        shop,
        status,
        from,
        to,
    };
    let mut found = super::lists::orders(&app.pool, filter, start).await?;
    label_page(&mut found.page, page);
    Ok(found)
}
