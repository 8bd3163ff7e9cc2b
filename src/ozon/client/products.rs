//! Wire types for products: list and info (pictures, imports and the creation limits in
//! `imports`).

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

mod imports;
pub use imports::*;
