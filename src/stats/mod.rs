//! 统计: sales by day and shop, top products, and sales attributed to short videos, live rooms
//! and authors through the order lines' `video_id`, `room_id` and `author_id`. Charts are SVG
//! drawn on the server; every table downloads as CSV.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod promo;
#[cfg(feature = "ssr")]
pub mod rankings;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod store;
pub mod svg;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyRow {
    pub day: String,
    pub shop: String,
    pub orders: i64,
    pub gmv_yuan: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopRow {
    pub product_id: String,
    pub name: String,
    pub orders: i64,
    pub units: i64,
    pub gmv_yuan: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    pub source: String,
    pub id: String,
    pub orders: i64,
    pub gmv_yuan: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRow {
    pub day: String,
    pub published: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub days: i64,
    pub orders: i64,
    pub gmv_yuan: String,
    pub daily: Vec<DailyRow>,
    pub gmv_chart: String,
    pub top: Vec<TopRow>,
    pub top_chart: String,
    pub sources: Vec<SourceRow>,
    /// How many sources there are in all (the page shows the first [`SOURCES_SHOWN`]; the CSV
    /// has every one).
    pub sources_total: usize,
    pub publishing: Vec<PublishRow>,
    pub publish_chart: String,
    /// Published promotions and their effect.
    pub promotions: Vec<crate::promotions::PromotionRow>,
    /// When the rankings (top products, sources) were computed.
    pub ranked_at: String,
}

/// How many sales sources a ranking keeps (the CSV's rows).
pub const SOURCES_KEPT: usize = 1000;

/// How many sales sources the page lists (largest first).
pub const SOURCES_SHOWN: usize = 50;

/// The periods the page offers.
pub const PERIODS: &[i64] = &[7, 30, 90];
