//! The pipeline board: products by state, their timelines and receipts, submit and retry.

pub mod api;
pub mod outcomes;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// Products a board page lists.
pub const BOARD_ROWS: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub offer_id: String,
    pub name: String,
    /// `unsubmitted` or a state name.
    pub state: String,
    pub state_label: String,
    pub category: String,
    pub error: Option<String>,
    pub failed_step: Option<String>,
    pub needs_review: bool,
    pub problems: usize,
    pub updated_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// (state, label, count), unsubmitted first, in pipeline order.
    pub counts: Vec<(String, String, i64)>,
    pub review: i64,
    pub rows: Vec<BoardRow>,
    /// Categories present: (type_id, name).
    pub categories: Vec<(i64, String)>,
    /// Something is on its way (the page keeps refreshing).
    pub active: bool,
    pub alerts: Vec<(String, String)>,
}
