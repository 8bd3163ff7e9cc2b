//! One adapter trait for every marketplace, each platform implementing all of it, and the
//! registry that says which are built.

use futures_util::future::BoxFuture;

pub use super::error::PlatformError;
use super::hub::Hub;
use super::sync::{self, Kind, Outcome, Shop};
use crate::auth::store::Actor;

pub trait Adapter: Send + Sync {
    fn platform(&self) -> &'static str;

    /// Exchanges an authorisation code; returns the account's id and name.
    fn connect<'a>(
        &'a self,
        hub: &'a Hub,
        code: &'a str,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(i64, String), PlatformError>>;

    /// Refreshes now, unless the tokens changed since `seen` (then that result is reused).
    fn refresh<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
        seen: Option<i64>,
    ) -> BoxFuture<'a, Result<(), PlatformError>>;

    /// Brings the account's shops up to date; returns how many it has.
    fn sync_shops<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
    ) -> BoxFuture<'a, Result<usize, PlatformError>>;

    fn sync_products<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>>;

    fn sync_orders<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>>;
}

/// Both platforms refresh through the same token upkeep (`tokens::refresh`).
fn refresh_tokens<'a>(
    hub: &'a Hub,
    account: i64,
    seen: Option<i64>,
) -> BoxFuture<'a, Result<(), PlatformError>> {
    Box::pin(async move {
        super::tokens::refresh(hub, account, seen, true).await?;
        Ok(())
    })
}

/// A Douyin account: OAuth and token upkeep; no shops (its posts are `promotions`).
pub struct Douyin;
/// A 抖店 authorisation: one shop, its products and orders.
pub struct Doudian;

impl Adapter for Douyin {
    fn platform(&self) -> &'static str {
        "douyin"
    }

    fn connect<'a>(
        &'a self,
        hub: &'a Hub,
        code: &'a str,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(i64, String), PlatformError>> {
        Box::pin(super::exchange::connect_douyin(hub, code, actor))
    }

    fn refresh<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
        seen: Option<i64>,
    ) -> BoxFuture<'a, Result<(), PlatformError>> {
        refresh_tokens(hub, account, seen)
    }

    /// A Douyin account has no shops (its posts are `promotions`).
    fn sync_shops<'a>(
        &'a self,
        _hub: &'a Hub,
        _account: i64,
    ) -> BoxFuture<'a, Result<usize, PlatformError>> {
        Box::pin(async { Ok(0) })
    }

    fn sync_products<'a>(
        &'a self,
        _hub: &'a Hub,
        _shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>> {
        Box::pin(async { Err(PlatformError::Unsupported("该平台的账号没有店铺商品")) })
    }

    fn sync_orders<'a>(
        &'a self,
        _hub: &'a Hub,
        _shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>> {
        Box::pin(async { Err(PlatformError::Unsupported("该平台的账号没有店铺订单")) })
    }
}

impl Adapter for Doudian {
    fn platform(&self) -> &'static str {
        "doudian"
    }

    fn connect<'a>(
        &'a self,
        hub: &'a Hub,
        code: &'a str,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(i64, String), PlatformError>> {
        Box::pin(super::exchange::connect_doudian(hub, code, actor))
    }

    fn refresh<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
        seen: Option<i64>,
    ) -> BoxFuture<'a, Result<(), PlatformError>> {
        refresh_tokens(hub, account, seen)
    }

    /// One authorisation is one shop, named by the token answer.
    fn sync_shops<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
    ) -> BoxFuture<'a, Result<usize, PlatformError>> {
        Box::pin(async move {
            let Some(a) = hub.account(account).await? else {
                return Ok(0);
            };
            super::exchange::upsert_shop(hub, a.id, &a.external_id, &a.name).await?;
            Ok(1)
        })
    }

    fn sync_products<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>> {
        Box::pin(sync::sync_kind(hub, shop, Kind::Products))
    }

    fn sync_orders<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, PlatformError>> {
        Box::pin(sync::sync_kind(hub, shop, Kind::Orders))
    }
}

/// Whether `platform` is built (else its pages say 尚未接入).
pub fn is_integrated(platform: &str) -> bool {
    adapter(platform).is_some()
}

/// The adapter of a built platform; `None` for 尚未接入.
pub fn adapter(platform: &str) -> Option<&'static dyn Adapter> {
    match platform {
        "douyin" => Some(&Douyin),
        "doudian" => Some(&Doudian),
        _ => None,
    }
}
