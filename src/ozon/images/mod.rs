//! Ozon image download: one pipeline (`pipeline`) behind the REST door (`rest`) and the
//! 图片下载 page (`pages` → `api` → `service`). Types here are shared with the browser.

pub mod api;
pub mod pages;
pub mod task;
pub mod task_page;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod pipeline;
#[cfg(feature = "ssr")]
pub mod process;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sheet;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

pub use task::{TaskStatus, TaskSummary, TaskView};

/// Which product field the articles are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupField {
    #[default]
    OfferId,
    Sku,
    VendorCode,
}

impl LookupField {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "offer_id" => Some(Self::OfferId),
            "sku" => Some(Self::Sku),
            "vendor_code" => Some(Self::VendorCode),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OfferId => "offer_id",
            Self::Sku => "sku",
            Self::VendorCode => "vendor_code",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputFormat {
    Jpeg,
    Png,
    Webp,
}

/// Optional processing of every image of a request. The default keeps the bytes as Ozon sent
/// them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessOptions {
    /// Convert to this format; `None` keeps the original.
    pub format: Option<OutputFormat>,
    /// Scale down so the longest side is at most this many pixels.
    pub max_side: Option<u32>,
    /// JPEG quality 1–100 (default 85).
    pub quality: Option<u8>,
    /// Pad to 3:4 (width:height) on white, Ozon's recommended shape.
    pub pad_3x4: bool,
    /// Make a white or plain background transparent (flood fill from the border; PNG output).
    pub remove_background: bool,
    /// Colour distance 0–255 the background fill accepts (default 24).
    pub tolerance: Option<u8>,
}

impl ProcessOptions {
    pub fn is_noop(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Success,
    Failed,
}

/// What became of one image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageOutcome {
    /// 1-based position in the product's image order.
    pub n: u32,
    /// Where Ozon serves it.
    pub source: String,
    /// Public URL when stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Error code when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub bytes: u64,
}

impl ImageOutcome {
    pub fn ok(&self) -> bool {
        self.url.is_some()
    }
}

/// One article of the contract's report. `images` is ShopBridge's detail for the page; the
/// REST door leaves it out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReport {
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    pub status: ItemStatus,
    pub total_images: u32,
    pub success_images: u32,
    pub failed_images: u32,
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<ImageOutcome>,
}

impl ItemReport {
    /// An article that failed as a whole (not found, no images).
    pub fn failed(article: &str, product_id: Option<i64>, code: &str, message: &str) -> Self {
        ItemReport {
            article: article.to_string(),
            product_id,
            status: ItemStatus::Failed,
            total_images: 0,
            success_images: 0,
            failed_images: 0,
            urls: Vec::new(),
            error: Some(format!("{code}: {message}")),
            images: Vec::new(),
        }
    }

    /// Builds the counts, URLs and status from the image outcomes.
    pub fn from_images(article: &str, product_id: Option<i64>, images: Vec<ImageOutcome>) -> Self {
        let success = images.iter().filter(|i| i.ok()).count() as u32;
        let failed = images.len() as u32 - success;
        let urls = images.iter().filter_map(|i| i.url.clone()).collect();
        let error = images.iter().find(|i| !i.ok()).map(|first| {
            let code = first.code.as_deref().unwrap_or("DOWNLOAD_FAILED");
            let message = first.message.as_deref().unwrap_or("");
            if failed == 1 {
                format!("{code}: 第 {} 张图片：{message}", first.n)
            } else {
                format!(
                    "{code}: {failed} 张图片失败，第 {} 张图片：{message}",
                    first.n
                )
            }
        });
        ItemReport {
            article: article.to_string(),
            product_id,
            status: if success > 0 {
                ItemStatus::Success
            } else {
                ItemStatus::Failed
            },
            total_images: images.len() as u32,
            success_images: success,
            failed_images: failed,
            urls,
            error,
            images,
        }
    }

    /// Every image of a found product is stored.
    pub fn is_complete(&self) -> bool {
        self.total_images > 0 && self.success_images == self.total_images
    }

    /// True when an image of this item was cut off by the deadline.
    pub fn timed_out(&self) -> bool {
        self.images
            .iter()
            .any(|i| i.code.as_deref() == Some("TIMEOUT"))
    }
}

/// The contract's `data`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub total_articles: u32,
    pub processed: u32,
    pub total_images: u32,
    pub success_images: u32,
    pub failed_images: u32,
    pub items: Vec<ItemReport>,
}

impl Report {
    pub fn from_items(items: Vec<ItemReport>) -> Self {
        Report {
            total_articles: items.len() as u32,
            processed: items.iter().filter(|i| !i.timed_out()).count() as u32,
            total_images: items.iter().map(|i| i.total_images).sum(),
            success_images: items.iter().map(|i| i.success_images).sum(),
            failed_images: items.iter().map(|i| i.failed_images).sum(),
            items,
        }
    }

    /// The report without the per-image detail, as the REST contract has it.
    pub fn contract_view(mut self) -> Self {
        for item in &mut self.items {
            item.images.clear();
        }
        self
    }
}

/// Standard base64, for sending a chosen file's bytes to a server function from the browser.
pub fn to_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use base64::Engine;

    #[test]
    fn base64_matches_the_standard_engine() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let expected = base64::engine::general_purpose::STANDARD.encode(&bytes);
            assert_eq!(super::to_base64(&bytes), expected, "length {len}");
        }
    }
}

/// Largest article file the page sends (the server checks again).
pub const fn sheet_limit() -> usize {
    1024 * 1024
}
