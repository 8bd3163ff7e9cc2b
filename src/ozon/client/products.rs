//! Wire types for products: list, info, pictures, imports and the creation limits.

use serde::{Deserialize, Serialize};

use super::de::{
    boolean, int64, int64_list, list, money, null_default, string, string_or_list, Money,
};

/// A per-item error Ozon returns inside HTTP 200.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ItemError {
    #[serde(deserialize_with = "string")]
    pub code: String,
    #[serde(deserialize_with = "string")]
    pub message: String,
    #[serde(deserialize_with = "string")]
    pub field: String,
    #[serde(deserialize_with = "string")]
    pub level: String,
    /// `/v3/product/info/list` puts the readable text here instead of in `message`.
    #[serde(deserialize_with = "null_default")]
    pub texts: ItemErrorTexts,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ItemErrorTexts {
    #[serde(deserialize_with = "string")]
    pub message: String,
    #[serde(deserialize_with = "string")]
    pub description: String,
    #[serde(deserialize_with = "string")]
    pub attribute_name: String,
}

impl ItemError {
    /// The most readable text Ozon gave: `message`, else the card error's description.
    pub fn text(&self) -> String {
        let t = &self.texts;
        let mut out = [&self.message, &t.description, &t.message]
            .into_iter()
            .find(|s| !s.trim().is_empty())
            .cloned()
            .unwrap_or_default();
        if !t.attribute_name.is_empty() && !out.contains(&t.attribute_name) {
            out = format!("{}：{out}", t.attribute_name);
        }
        out
    }

    /// Whether the error stops the card (anything but a warning or a notice).
    pub fn blocks(&self) -> bool {
        let level = self.level.to_ascii_lowercase();
        !(level.contains("warn") || level.contains("info") || level.contains("notice"))
    }
}

// ---- /v3/product/list ---------------------------------------------------------------------

#[derive(Clone, Debug, Default, Serialize)]
pub struct ProductListRequest {
    pub filter: ProductListFilter,
    pub last_id: String,
    pub limit: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProductListFilter {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offer_id: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub product_id: Vec<String>,
    pub visibility: String,
}

impl Default for ProductListFilter {
    fn default() -> Self {
        ProductListFilter {
            offer_id: Vec::new(),
            product_id: Vec::new(),
            visibility: "ALL".into(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductListResponse {
    #[serde(deserialize_with = "null_default")]
    pub result: ProductListResult,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductListResult {
    #[serde(deserialize_with = "list")]
    pub items: Vec<ProductListItem>,
    /// Being renamed `total_items`; during the transition a body can carry both, so they are
    /// read as two fields (an alias would fail on a body with both). See `de::total`.
    #[serde(deserialize_with = "int64")]
    pub total: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub total_items: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub last_id: String,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProductListItem {
    #[serde(deserialize_with = "int64")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "int64")]
    pub sku: Option<i64>,
    #[serde(deserialize_with = "boolean")]
    pub archived: bool,
}

// ---- /v3/product/info/list ----------------------------------------------------------------

/// One id type per request, at most 1000 ids (see `paging::chunks`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProductInfoRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub offer_id: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub product_id: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sku: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductInfoResponse {
    #[serde(deserialize_with = "list")]
    pub items: Vec<ProductInfo>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProductInfo {
    #[serde(deserialize_with = "int64")]
    pub id: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub offer_id: String,
    #[serde(deserialize_with = "int64")]
    pub sku: Option<i64>,
    #[serde(deserialize_with = "string")]
    pub name: String,
    #[serde(deserialize_with = "list")]
    pub barcodes: Vec<String>,
    #[serde(deserialize_with = "int64")]
    pub description_category_id: Option<i64>,
    #[serde(deserialize_with = "int64")]
    pub type_id: Option<i64>,
    #[serde(deserialize_with = "string_or_list")]
    pub primary_image: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub images: Vec<String>,
    #[serde(deserialize_with = "string_or_list")]
    pub color_image: Vec<String>,
    #[serde(deserialize_with = "string")]
    pub currency_code: String,
    #[serde(deserialize_with = "money")]
    pub price: Option<Money>,
    #[serde(deserialize_with = "money")]
    pub old_price: Option<Money>,
    #[serde(deserialize_with = "money")]
    pub min_price: Option<Money>,
    #[serde(deserialize_with = "string")]
    pub vat: String,
    #[serde(deserialize_with = "boolean")]
    pub is_archived: bool,
    #[serde(deserialize_with = "null_default")]
    pub statuses: ProductStatuses,
    #[serde(deserialize_with = "list")]
    pub errors: Vec<ItemError>,
    #[serde(deserialize_with = "string")]
    pub created_at: String,
    #[serde(deserialize_with = "string")]
    pub updated_at: String,
}

impl ProductInfo {
    /// Image URLs in order: the primary one, then the others without duplicates.
    pub fn ordered_images(&self, with_color: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let extra = if with_color {
            self.color_image.iter()
        } else {
            [].iter()
        };
        for url in self
            .primary_image
            .iter()
            .take(1)
            .chain(self.images.iter())
            .chain(extra)
        {
            if !out.contains(url) {
                out.push(url.clone());
            }
        }
        out
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProductStatuses {
    #[serde(deserialize_with = "string")]
    pub status: String,
    #[serde(deserialize_with = "string")]
    pub status_name: String,
    #[serde(deserialize_with = "string")]
    pub moderate_status: String,
    #[serde(deserialize_with = "string")]
    pub validation_status: String,
    #[serde(deserialize_with = "string")]
    pub status_failed: String,
    #[serde(deserialize_with = "boolean")]
    pub is_created: bool,
}

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
