//! Cloudinary as an image host for Ozon: public `upload` URLs with the listing PRD's
//! transformations — main images padded on white, detail images filled with smart cropping,
//! both 3:4, 1600 wide, JPG, `q_auto:good`. Configured per Ozon account (cloud name, folder).

use serde::{Deserialize, Serialize};

pub const MAIN: &str = "ar_3:4,c_pad,b_white,w_1600,f_jpg,q_auto:good";
pub const DETAIL: &str = "ar_3:4,c_fill,g_auto,w_1600,f_jpg,q_auto:good";
const HOST: &str = "https://res.cloudinary.com/";

/// One account's Cloudinary settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct CloudinarySettings {
    pub cloud_name: String,
    /// Folder of the public ids, e.g. `products`; may be empty.
    pub folder: String,
}

impl CloudinarySettings {
    /// Checks the settings; the message is for the admin who typed them.
    pub fn check(&self) -> Result<(), String> {
        let cloud = self.cloud_name.trim();
        if cloud.is_empty()
            || cloud.len() > 64
            || !cloud
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err("Cloud name 只能包含字母、数字、- 和 _（最多 64 个字符）".into());
        }
        if self.folder.trim().len() > 200 || !segments_ok(self.folder.trim()) {
            return Err("文件夹名只能包含字母、数字、- _ . 和 /，不能包含 ..".into());
        }
        Ok(())
    }

    /// The URL of `public_id` (with or without its extension) for position 0 (main) or later.
    pub fn url(&self, public_id: &str, main: bool) -> Result<String, String> {
        self.check()?;
        let id = public_id.trim().trim_start_matches('/');
        let id = id
            .rsplit_once('.')
            .filter(|(_, ext)| {
                ["jpg", "jpeg", "png", "webp", "heic"].contains(&ext.to_ascii_lowercase().as_str())
            })
            .map(|(stem, _)| stem)
            .unwrap_or(id);
        if id.is_empty() || id.len() > 255 || !segments_ok(id) {
            return Err(format!(
                "public_id「{}」无效：只能包含字母、数字、- _ . 和 /，不能包含 ..",
                id.chars().take(60).collect::<String>()
            ));
        }
        let folder = self.folder.trim().trim_matches('/');
        let path = if folder.is_empty() {
            id.to_string()
        } else {
            format!("{folder}/{id}")
        };
        Ok(format!(
            "{HOST}{}/image/upload/{}/{path}.jpg",
            self.cloud_name.trim(),
            if main { MAIN } else { DETAIL }
        ))
    }
}

fn segments_ok(path: &str) -> bool {
    path.split('/').all(|seg| {
        seg != ".."
            && seg != "."
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    }) && !path.contains("//")
}

/// A Cloudinary URL built here, with the transformation its position needs: the first image
/// is the main one. Any other URL is returned as it is.
pub fn for_position(url: &str, main: bool) -> String {
    let (from, to) = if main { (DETAIL, MAIN) } else { (MAIN, DETAIL) };
    let needle = format!("/image/upload/{from}/");
    if url.starts_with(HOST) && url.contains(&needle) {
        url.replacen(&needle, &format!("/image/upload/{to}/"), 1)
    } else {
        url.to_string()
    }
}

/// Every image with the transformation of its position.
pub fn retransform(images: &mut [String]) {
    for (i, url) in images.iter_mut().enumerate() {
        *url = for_position(url, i == 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> CloudinarySettings {
        CloudinarySettings {
            cloud_name: "demo-shop".into(),
            folder: "products".into(),
        }
    }

    #[test]
    fn urls_follow_the_prd() {
        assert_eq!(
            settings().url("id1", true).expect("main"),
            "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_pad,b_white,w_1600,f_jpg,q_auto:good/products/id1.jpg"
        );
        assert_eq!(
            settings().url("cups/id2.png", false).expect("detail"),
            "https://res.cloudinary.com/demo-shop/image/upload/ar_3:4,c_fill,g_auto,w_1600,f_jpg,q_auto:good/products/cups/id2.jpg"
        );
        for bad in ["", "../etc/passwd", "a b", "<script>", "a//b", "x?y=1"] {
            assert!(settings().url(bad, true).is_err(), "{bad}");
        }
        let mut wrong = settings();
        wrong.cloud_name = "evil.com/x".into();
        assert!(wrong.url("id1", true).is_err());
        wrong.cloud_name = "ok".into();
        wrong.folder = "../up".into();
        assert!(wrong.check().is_err());
    }

    #[test]
    fn moving_an_image_changes_its_transformation() {
        let s = settings();
        let mut images = vec![
            s.url("a", true).expect("a"),
            s.url("b", false).expect("b"),
            "https://cdn.example/c.jpg".to_string(),
        ];
        images.swap(0, 1);
        retransform(&mut images);
        assert_eq!(images[0], s.url("b", true).expect("b main"));
        assert_eq!(images[1], s.url("a", false).expect("a detail"));
        assert_eq!(images[2], "https://cdn.example/c.jpg");
    }
}
