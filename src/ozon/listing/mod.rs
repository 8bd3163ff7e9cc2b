//! Ozon listing: putting products on Ozon, in sub-capabilities, each with its pages, server
//! functions (`api`), service and store:
//! - `catalog/`: the category cache (types, attributes, dictionary values) and its refresh;
//! - `drafts/`: product drafts and their editor; drafts keep every field as typed (strings), so
//!   nothing is lost when a value is invalid, and `validate` says what is wrong, field by field;
//! - `sheets/`: spreadsheet templates, import and export of drafts;
//! - `pipeline/`: the durable listing pipeline (media → card → price → stock);
//! - `board/`: the pipeline's board and product timelines;
//! - `tools/`: the inspector and the commercial CSV.
//!
//! `pages.rs` is the listing's landing page (drafts, spreadsheets, cache, Cloudinary), composing
//! them; the types every sub-capability shares (`Draft`, `AttributeSpec`, `Problem`, …) live here.

pub mod board;
pub mod catalog;
pub mod domain;
pub mod drafts;
pub mod pages;
pub mod pipeline;
pub mod sheets;
pub mod tools;
pub mod validate;

use serde::{Deserialize, Serialize};

/// One row of the drafts list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DraftRow {
    pub offer_id: String,
    pub name: String,
    pub problems: usize,
    pub flag: Option<String>,
    pub updated_by: String,
    pub updated_at: String,
}

/// Largest spreadsheet the page sends and the server takes.
pub const MAX_SHEET_BYTES: usize = 4 * 1024 * 1024;

/// New card, or follow an existing card.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftMode {
    #[default]
    New,
    /// Copy another seller's card by its SKU (`/v1/product/import-by-sku`).
    FollowSku,
    /// A new card with the same barcode, which Ozon may match to the existing one.
    FollowBarcode,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dictionary_value_id: Option<i64>,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftAttribute {
    pub id: i64,
    #[serde(default)]
    pub values: Vec<DraftValue>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftStock {
    pub warehouse_id: i64,
    pub stock: String,
}

/// A product draft, keyed by `offer_id`. Numbers are kept as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub offer_id: String,
    pub name: String,
    pub description: String,
    pub description_category_id: Option<i64>,
    pub type_id: Option<i64>,
    pub barcode: String,
    pub depth: String,
    pub width: String,
    pub height: String,
    pub dimension_unit: String,
    pub weight: String,
    pub weight_unit: String,
    pub price: String,
    pub old_price: String,
    pub vat: String,
    pub currency_code: String,
    pub attributes: Vec<DraftAttribute>,
    /// Ordered; the first is the main image.
    pub images: Vec<String>,
    pub mode: DraftMode,
    pub follow_sku: String,
    pub stocks: Vec<DraftStock>,
}

/// What the validator needs to know of one attribute (from the cache).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeSpec {
    pub id: i64,
    pub name: String,
    /// `String`, `Decimal`, `Integer`, `Boolean`, … as Ozon names them.
    pub kind: String,
    pub is_collection: bool,
    pub is_required: bool,
    pub max_value_count: i64,
    pub dictionary_id: i64,
    pub group_name: String,
}

/// One problem, next to its field (`barcode`, `attributes.22232`, `images.2`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// One flattened node: a category (`type_id` 0) or a type under its category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub category_id: i64,
    pub type_id: i64,
    pub parent_id: i64,
    pub name_zh: String,
    pub name_ru: String,
    pub path: String,
    pub disabled: bool,
}

/// What a refresh changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CatalogDiff {
    pub added_types: Vec<String>,
    pub removed_types: Vec<String>,
    /// "类目路径：属性名" of attributes that became required or appeared as required.
    pub newly_required: Vec<String>,
    pub removed_attributes: Vec<String>,
    /// "类目路径：属性名（id）新增 N 个值，删除 M 个值" of cached dictionaries that changed.
    pub changed_dictionaries: Vec<String>,
    /// (category, type) pairs whose attributes changed or disappeared.
    pub touched_pairs: Vec<(i64, i64)>,
    pub flagged_drafts: Vec<String>,
}

impl CatalogDiff {
    pub fn is_empty(&self) -> bool {
        self.added_types.is_empty()
            && self.removed_types.is_empty()
            && self.newly_required.is_empty()
            && self.removed_attributes.is_empty()
            && self.changed_dictionaries.is_empty()
    }
}

/// What the import did with one row of a spreadsheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Created,
    Updated,
    Unchanged,
    Rejected,
}

impl RowStatus {
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Created => "新建",
            RowStatus::Updated => "已更新",
            RowStatus::Unchanged => "无变化",
            RowStatus::Rejected => "未导入",
        }
    }
}

/// One row of an import report. `row` is the spreadsheet's row number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub row: usize,
    pub offer_id: String,
    pub status: RowStatus,
    /// Why a row was not imported.
    pub reason: String,
    /// The draft's problems after the import (it is saved even with problems).
    pub problems: Vec<Problem>,
}

/// The report of one uploaded spreadsheet; the file itself is kept under `id`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    /// Why the whole file could not be read.
    pub error: Option<String>,
    pub warnings: Vec<String>,
    pub rows: Vec<RowOutcome>,
}

impl ImportReport {
    pub fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}
