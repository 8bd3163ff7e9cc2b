//! Wire types for pictures, product imports (new cards and copies by SKU) and the creation limits.

use super::*;

// ---- /v2/product/pictures/info and /v2/product/pictures/import --------------------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct PicturesInfoRequest {
    pub product_id: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PicturesInfoResponse {
    #[serde(deserialize_with = "list")]
    pub items: Vec<PicturesInfo>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PicturesInfo {
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "string_or_list")]
    pub primary_photo: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub photo: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub color_photo: Vec<String>,
    #[serde(deserialize_with = "list")]
    pub errors: Vec<ItemError>,
}

/// The whole set of images for one product; Ozon replaces what it had.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PicturesImportRequest {
    pub items: Vec<PicturesImportItem>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct PicturesImportItem {
    pub offer_id: String,
    pub primary_image: String,
    pub color_image: String,
    pub images: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TaskIdResponse {
    #[serde(deserialize_with = "int64")]
    pub task_id: Option<i64>,
}

// ---- /v3/product/import, /v1/product/import/info, /v1/product/import-by-sku ------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportRequest {
    pub items: Vec<ImportItem>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportItem {
    pub offer_id: String,
    pub name: String,
    pub description_category_id: i64,
    pub type_id: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub barcode: String,
    pub price: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_price: String,
    pub vat: String,
    pub currency_code: String,
    pub depth: i64,
    pub width: i64,
    pub height: i64,
    pub dimension_unit: String,
    pub weight: i64,
    pub weight_unit: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub primary_image: String,
    pub images: Vec<String>,
    pub attributes: Vec<ImportAttribute>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportAttribute {
    pub complex_id: i64,
    pub id: i64,
    pub values: Vec<ImportAttributeValue>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportAttributeValue {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dictionary_value_id: Option<i64>,
    pub value: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportResponse {
    #[serde(deserialize_with = "null_default")]
    pub result: TaskIdResponse,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportInfoRequest {
    pub task_id: i64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportInfoResponse {
    #[serde(deserialize_with = "null_default")]
    pub result: ImportInfoResult,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportInfoResult {
    #[serde(deserialize_with = "list")]
    pub items: Vec<ImportInfoItem>,
    /// Being renamed `total_items`; during the transition a body can carry both, so they are
    /// read as two fields (an alias would fail on a body with both). See `de::total`.
    #[serde(deserialize_with = "int64")]
    pub total: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub total_items: Option<i64>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ImportInfoItem {
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    /// `pending`, `imported`, `failed` or `skipped`.
    #[serde(deserialize_with = "string")]
    pub status: String,
    #[serde(deserialize_with = "list")]
    pub errors: Vec<ItemError>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportBySkuRequest {
    pub items: Vec<ImportBySkuItem>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportBySkuItem {
    pub sku: i64,
    pub offer_id: String,
    pub name: String,
    pub price: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_price: String,
    pub vat: String,
    pub currency_code: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportBySkuResponse {
    #[serde(deserialize_with = "null_default")]
    pub result: ImportBySkuResult,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ImportBySkuResult {
    #[serde(deserialize_with = "int64")]
    pub task_id: Option<i64>,
    #[serde(deserialize_with = "int64_list")]
    pub unmatched_sku_list: Vec<i64>,
}

// ---- /v4/product/info/limit ------------------------------------------------------------------

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LimitResponse {
    #[serde(deserialize_with = "null_default")]
    pub daily_create: Quota,
    #[serde(deserialize_with = "null_default")]
    pub daily_update: Quota,
    #[serde(deserialize_with = "null_default")]
    pub total: Quota,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Quota {
    #[serde(deserialize_with = "int64")]
    pub usage: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub limit: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub reset_at: String,
}
