//! Spreadsheets of drafts: the columns of a category, templates and exports, imports with a
//! report per row.

pub mod api;
pub mod panel;

#[cfg(feature = "ssr")]
pub mod columns;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;

/// One kept spreadsheet upload.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportRow {
    pub id: i64,
    pub file_name: String,
    pub created_by: String,
    pub created_at: String,
    pub report: crate::ozon::listing::ImportReport,
}
