//! The platform registry: one adapter per marketplace (connect, refresh, sync shops, products,
//! orders; publishing comes with promotions). Douyin and 抖店 are built; Taobao, JD and PDD are
//! listed as 尚未接入 with their app secrets already in the vault.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod browse;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod error;
#[cfg(feature = "ssr")]
pub mod exchange;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod lists;
#[cfg(feature = "ssr")]
pub mod registry;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod rows;
#[cfg(feature = "ssr")]
pub mod scheduler;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod sync;
#[cfg(feature = "ssr")]
pub mod tokens;

/// The Chinese name of a platform.
pub fn label(platform: &str) -> &'static str {
    match platform {
        "douyin" => "抖音",
        "doudian" => "抖店",
        "taobao" => "淘宝",
        "jd" => "京东",
        "pdd" => "拼多多",
        _ => "未知平台",
    }
}

/// A platform on the 平台 page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformView {
    pub platform: String,
    pub label: String,
    pub integrated: bool,
    pub enabled: bool,
    /// The button that starts an authorisation, when there is one.
    pub connect_label: String,
    pub connect_href: String,
}

/// A connected account or shop authorisation (never a token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub platform: String,
    pub platform_label: String,
    pub name: String,
    pub external_id: String,
    /// connected | expiring | reauth
    pub status: String,
    pub status_label: String,
    pub status_reason: String,
    pub access_expires: String,
    pub refresh_expires: String,
    pub renewals: i64,
    pub last_sync: String,
    pub last_result: String,
    pub last_ok: bool,
    pub connected_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub platforms: Vec<PlatformView>,
    pub accounts: Vec<AccountView>,
    pub flash: Option<(bool, String)>,
    pub is_admin: bool,
}

/// One kind of a shop's sync.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncView {
    pub running: bool,
    pub resumable: bool,
    pub last_at: String,
    pub ok: Option<bool>,
    pub result: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopView {
    pub id: i64,
    pub platform_label: String,
    pub shop_id: String,
    pub shop_name: String,
    pub account_status: String,
    pub products: i64,
    pub orders: i64,
    pub product_sync: SyncView,
    pub order_sync: SyncView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub id: i64,
    pub shop_name: String,
    pub product_id: String,
    pub name: String,
    pub img: String,
    pub status: String,
    pub check_status: String,
    pub outer_product_id: String,
    pub category: String,
    pub updated: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPage {
    pub rows: Vec<ProductRow>,
    /// Matching rows; a search stops counting at `COUNT_CAP` (then `capped`).
    pub total: i64,
    pub capped: bool,
    pub page: i64,
    pub pages: i64,
    /// Keyset cursors of the next and previous page ("" when there is none).
    pub next: String,
    pub prev: String,
}

/// A search counts its matches up to this many.
pub const COUNT_CAP: i64 = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductInfo {
    pub row: ProductRow,
    pub created: String,
    pub orders: i64,
    pub units: i64,
    pub sales_yuan: String,
    pub raw: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub shop_name: String,
    pub order_id: String,
    pub status: String,
    pub pay_yuan: String,
    pub created: String,
    pub items: String,
    pub receiver: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub rows: Vec<OrderRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub pay_total_yuan: String,
    pub next: String,
    pub prev: String,
}

/// The order states of `/order/searchList`.
pub const ORDER_STATUSES: &[(i64, &str)] = &[
    (1, "待确认/待支付"),
    (105, "已支付"),
    (2, "备货中"),
    (101, "部分发货"),
    (3, "已发货"),
    (4, "已取消"),
    (5, "已完成"),
];

pub fn order_status_label(code: i64) -> &'static str {
    ORDER_STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("其他")
}
