//! 推广: short videos, live previews and image-text posts for the company's Douyin accounts.
//!
//! A promotion goes draft → scheduled → publishing → published | failed; a published one can be
//! deleted. Publishing and deleting need the user's confirmation (是否同步 / 是否删除) naming the
//! target account, and both are audited with who confirmed. The publish job (`publish.rs`) is
//! the promotion row itself: each step's result is stored before the next, so a restart resumes
//! and never posts twice.

use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod mp4;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod publish;
#[cfg(feature = "ssr")]
pub mod readback;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
mod stop;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
mod upload;
pub mod validate;
#[cfg(feature = "ssr")]
pub mod views;

pub const KINDS: &[(&str, &str)] = &[
    ("video", "短视频"),
    ("image_text", "图文"),
    ("live", "直播预告"),
];

pub fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

pub fn state_label(state: &str) -> &'static str {
    match state {
        "draft" => "草稿",
        "scheduled" => "待发布",
        "publishing" => "发布中",
        "published" => "已发布",
        "failed" => "发布失败",
        "deleted" => "已删除",
        "reviewed" => "审核通过",
        _ => "未知",
    }
}

/// One row of the 推广 list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PromotionRow {
    pub id: i64,
    pub kind: String,
    pub account: String,
    pub title: String,
    pub state: String,
    pub publish_at: String,
    pub error: String,
    pub review: String,
    pub plays: i64,
    pub engagement: i64,
    pub orders: i64,
    pub gmv_yuan: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PromotionList {
    pub rows: Vec<PromotionRow>,
    pub counts: Vec<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaView {
    pub id: i64,
    pub role: String,
    pub file_name: String,
    pub size: String,
    pub duration: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at: String,
    pub state: String,
    pub message: String,
}

/// What the editor sends; `id` 0 makes a new draft.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PromotionForm {
    pub id: i64,
    pub kind: String,
    pub account_id: i64,
    pub shop_row: i64,
    pub title: String,
    pub body: String,
    pub mentions: String,
    pub product_ids: String,
    pub cover_tsp: String,
    pub poi_id: String,
    pub micro_app_id: String,
    pub micro_app_title: String,
    pub micro_app_url: String,
    pub room_id: String,
    /// `YYYY-MM-DD HH:MM` (Beijing), empty for "now".
    pub publish_at: String,
}

/// The editor's page: the form, its media, what is still missing, and the timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PromotionDetail {
    pub form: PromotionForm,
    pub account_name: String,
    pub state: String,
    pub error: String,
    pub review: String,
    pub item_id: String,
    pub share_url: String,
    pub media: Vec<MediaView>,
    pub events: Vec<EventView>,
    /// Why it cannot be published yet (empty when it can).
    pub problems: Vec<String>,
    pub accounts: Vec<(i64, String)>,
    pub shops: Vec<(i64, String)>,
    pub plays: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub orders: i64,
    pub gmv_yuan: String,
    /// The result of the last upload (shown once).
    pub flash: Option<(bool, String)>,
}

impl PromotionDetail {
    pub fn editable(&self) -> bool {
        matches!(self.state.as_str(), "draft" | "failed")
    }
}
