//! What a picture is, as Ozon will see it: format, size in bytes, pixel size, and whether it is
//! 3:4. Shown next to each image of a draft; advice, not a blocker (the validator's HEAD check
//! is the blocker).

use serde::{Deserialize, Serialize};

/// Ozon takes pictures up to this size.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Ozon's smallest accepted side.
pub const MIN_SIDE: u32 = 200;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PictureInfo {
    /// `JPEG`, `PNG`, …
    pub format: String,
    pub bytes: u64,
    /// 0 when the size cannot be read (HEIC).
    pub width: u32,
    pub height: u32,
    /// What Ozon will not like, in Chinese; empty when the picture is fine.
    pub notes: Vec<String>,
}

impl PictureInfo {
    /// `JPEG · 1200×1600 · 3:4 · 230 KB`
    pub fn summary(&self) -> String {
        let mut parts = vec![self.format.clone()];
        if self.width > 0 {
            parts.push(format!("{}×{}", self.width, self.height));
            if is_three_four(self.width, self.height) {
                parts.push("3:4".into());
            }
        }
        parts.push(if self.bytes >= 1024 * 1024 {
            format!("{:.1} MB", self.bytes as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", self.bytes.div_ceil(1024))
        });
        parts.join(" · ")
    }
}

/// Width to height is 3:4 within 1 %.
pub fn is_three_four(width: u32, height: u32) -> bool {
    height > 0 && ((width as f64 / height as f64) - 0.75).abs() <= 0.0075
}

/// The notes for a picture of `format` (`JPEG`, `PNG`, …), `bytes` long, `width`×`height`
/// (0 when unknown), at `url`.
pub fn notes(url: &str, format: &str, bytes: u64, width: u32, height: u32) -> Vec<String> {
    let mut out = Vec::new();
    if !matches!(format, "JPEG" | "PNG") {
        out.push(format!("Ozon 只接受 JPG 或 PNG，这是 {format}"));
    }
    if bytes > MAX_BYTES {
        out.push("超过 10 MB，Ozon 不会接收".into());
    }
    if width > 0 {
        if width < MIN_SIDE || height < MIN_SIDE {
            out.push(format!(
                "尺寸 {width}×{height} 过小，每边至少 {MIN_SIDE} 像素"
            ));
        }
        if !is_three_four(width, height) {
            out.push(format!(
                "比例 {width}:{height} 不是 Ozon 推荐的 3:4，显示时会留白或裁切"
            ));
        }
    }
    if !url.trim_start().starts_with("https://") {
        out.push("Ozon 需要公网 HTTPS 地址".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_four_and_the_notes() {
        assert!(is_three_four(900, 1200));
        assert!(is_three_four(1200, 1601));
        assert!(!is_three_four(1000, 1000));
        assert!(!is_three_four(10, 0));
        assert!(notes("https://cdn/a.jpg", "JPEG", 200_000, 900, 1200).is_empty());
        let all = notes("http://cdn/a.webp", "WebP", MAX_BYTES + 1, 100, 100).join("|");
        for expected in [
            "只接受 JPG 或 PNG",
            "超过 10 MB",
            "过小",
            "不是 Ozon 推荐的 3:4",
            "HTTPS",
        ] {
            assert!(all.contains(expected), "{expected}: {all}");
        }
        let info = PictureInfo {
            format: "JPEG".into(),
            bytes: 230 * 1024,
            width: 1200,
            height: 1600,
            notes: vec![],
        };
        assert_eq!(info.summary(), "JPEG · 1200×1600 · 3:4 · 230 KB");
    }
}
