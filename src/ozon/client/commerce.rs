//! Wire types for prices, stocks and warehouses.

use serde::{Deserialize, Serialize};

use super::de::{boolean, int64, list, money, null_default, string, Money};
use super::products::{ItemError, ProductListFilter};

// ---- /v1/product/import/prices ----------------------------------------------------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct PricesRequest {
    pub prices: Vec<PriceItem>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PriceItem {
    pub offer_id: String,
    pub price: String,
    pub old_price: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub min_price: String,
    pub currency_code: String,
    pub vat: String,
}

/// Per-item results of a price or stock write; errors arrive inside HTTP 200.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UpdateResponse {
    #[serde(deserialize_with = "list")]
    pub result: Vec<UpdateResult>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UpdateResult {
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "int64")]
    pub warehouse_id: Option<i64>,
    #[serde(deserialize_with = "boolean")]
    pub updated: bool,
    #[serde(deserialize_with = "list")]
    pub errors: Vec<ItemError>,
}

// ---- /v2/products/stocks ----------------------------------------------------------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct StocksRequest {
    pub stocks: Vec<StockItem>,
}

/// The 2026 schema requires `product_id`. (It also lists `quant_size` as required without
/// defining it: quants were switched off on 2026-09-08, so it is not sent.)
#[derive(Clone, Debug, Default, Serialize)]
pub struct StockItem {
    pub offer_id: String,
    pub product_id: i64,
    pub stock: i64,
    pub warehouse_id: i64,
}

// ---- /v5/product/info/prices and /v4/product/info/stocks (cursor paging) ----------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct CursorRequest {
    pub cursor: String,
    pub filter: ProductListFilter,
    pub limit: i64,
}

/// A page of a cursor-paged read (`/v5/product/info/prices`, `/v4/product/info/stocks`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, bound(deserialize = "T: serde::de::DeserializeOwned"))]
pub struct CursorPage<T> {
    #[serde(deserialize_with = "list")]
    pub items: Vec<T>,
    #[serde(deserialize_with = "string")]
    pub cursor: String,
    /// Being renamed `total_items`; during the transition a body can carry both, so they are
    /// read as two fields (an alias would fail on a body with both). See `de::total`.
    #[serde(deserialize_with = "int64")]
    pub total: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub total_items: Option<i64>,
}

impl<T> Default for CursorPage<T> {
    fn default() -> Self {
        CursorPage {
            items: Vec::new(),
            cursor: String::new(),
            total: None,
            total_items: None,
        }
    }
}

pub type PricesInfoResponse = CursorPage<PriceInfo>;
pub type StocksInfoResponse = CursorPage<StockInfo>;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PriceInfo {
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "null_default")]
    pub price: PriceDetails,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PriceDetails {
    #[serde(deserialize_with = "money")]
    pub price: Option<Money>,
    #[serde(deserialize_with = "money")]
    pub old_price: Option<Money>,
    #[serde(deserialize_with = "money")]
    pub min_price: Option<Money>,
    #[serde(deserialize_with = "money")]
    pub marketing_price: Option<Money>,
    #[serde(deserialize_with = "string")]
    pub currency_code: String,
    /// A number (0.2) in v5 responses; kept as text.
    #[serde(deserialize_with = "string")]
    pub vat: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StockInfo {
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "list")]
    pub stocks: Vec<StockLevel>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StockLevel {
    #[serde(rename = "type", deserialize_with = "string")]
    pub kind: String,
    #[serde(deserialize_with = "int64")]
    pub present: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub reserved: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub sku: Option<i64>,
    #[serde(deserialize_with = "list")]
    pub warehouse_ids: Vec<serde_json::Value>,
}

// ---- /v2/warehouse/list -----------------------------------------------------------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct WarehouseListRequest {
    pub cursor: String,
    pub limit: i64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WarehouseListResponse {
    #[serde(deserialize_with = "list")]
    pub warehouses: Vec<Warehouse>,
    #[serde(deserialize_with = "string")]
    pub cursor: String,
    /// A bool, or the placeholder string `"string"` in the official example.
    pub has_next: serde_json::Value,
}

impl WarehouseListResponse {
    pub fn has_next(&self) -> bool {
        matches!(&self.has_next, serde_json::Value::Bool(true))
            || matches!(&self.has_next, serde_json::Value::String(s) if s == "true")
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Warehouse {
    #[serde(deserialize_with = "int64")]
    pub warehouse_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub name: String,
    #[serde(deserialize_with = "string")]
    pub status: String,
    #[serde(deserialize_with = "boolean")]
    pub is_rfbs: bool,
}
