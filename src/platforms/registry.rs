//! One adapter trait for every marketplace; the registry says which are built.
//!
//! Connecting and refreshing follow the platform's OAuth shape (in `douyin::connect` and
//! `tokens::refresh`), so they are default methods; an adapter overrides what its platform has:
//! 抖店 has shops with products and orders, a Douyin account has none.

use futures_util::future::BoxFuture;

use super::hub::Hub;
use crate::auth::store::Actor;
use crate::douyin::sync::{self, Kind, Outcome, Shop};

pub trait Adapter: Send + Sync {
    fn platform(&self) -> &'static str;

    /// Exchanges an authorisation code; returns the account's id and name.
    fn connect<'a>(
        &'a self,
        hub: &'a Hub,
        code: &'a str,
        actor: &'a Actor,
    ) -> BoxFuture<'a, Result<(i64, String), String>> {
        Box::pin(crate::douyin::connect(hub, self.platform(), code, actor))
    }

    /// Refreshes now, unless the tokens changed since `seen` (then that result is reused).
    fn refresh<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
        seen: Option<i64>,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            super::tokens::refresh(hub, account, seen, true)
                .await
                .map(|_| ())
                .map_err(|e| e.message())
        })
    }

    /// Brings the account's shops up to date; returns how many it has.
    fn sync_shops<'a>(
        &'a self,
        _hub: &'a Hub,
        _account: i64,
    ) -> BoxFuture<'a, Result<usize, String>> {
        Box::pin(async { Ok(0) })
    }

    fn sync_products<'a>(
        &'a self,
        _hub: &'a Hub,
        _shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, String>> {
        Box::pin(async { Err("该平台的账号没有店铺商品".to_string()) })
    }

    fn sync_orders<'a>(
        &'a self,
        _hub: &'a Hub,
        _shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, String>> {
        Box::pin(async { Err("该平台的账号没有店铺订单".to_string()) })
    }
}

/// A Douyin account: OAuth and token upkeep; no shops (its posts are `promotions`).
pub struct Douyin;
/// A 抖店 authorisation: one shop, its products and orders.
pub struct Doudian;

impl Adapter for Douyin {
    fn platform(&self) -> &'static str {
        "douyin"
    }
}

impl Adapter for Doudian {
    fn platform(&self) -> &'static str {
        "doudian"
    }

    /// One authorisation is one shop, named by the token answer.
    fn sync_shops<'a>(
        &'a self,
        hub: &'a Hub,
        account: i64,
    ) -> BoxFuture<'a, Result<usize, String>> {
        Box::pin(async move {
            let Some(a) = hub.account(account).await.map_err(|e| e.to_string())? else {
                return Ok(0);
            };
            crate::douyin::upsert_shop(hub, a.id, &a.external_id, &a.name)
                .await
                .map_err(|e| e.to_string())?;
            Ok(1)
        })
    }

    fn sync_products<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, String>> {
        Box::pin(sync::sync_kind(hub, shop, Kind::Products))
    }

    fn sync_orders<'a>(
        &'a self,
        hub: &'a Hub,
        shop: &'a Shop,
    ) -> BoxFuture<'a, Result<Outcome, String>> {
        Box::pin(sync::sync_kind(hub, shop, Kind::Orders))
    }
}

/// The adapter of a built platform; `None` for 尚未接入.
pub fn adapter(platform: &str) -> Option<&'static dyn Adapter> {
    match platform {
        "douyin" => Some(&Douyin),
        "doudian" => Some(&Doudian),
        _ => None,
    }
}
