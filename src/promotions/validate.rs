//! What a promotion needs before it can be published, from Douyin's rules
//! (`wire/douyin-api.md` §3): one video (≤ 4 GB, ≤ 15 minutes; above 50 MB it goes up in
//! parts of ≥ 5 MB) or 1–30 images of ≤ 20 MB; `#话题` inline; every `@昵称` with its open_id
//! (sent as `at_users`); one anchor type (a POI or a mini-app, not both).

use super::PromotionForm;

pub const MB: i64 = 1024 * 1024;
/// The largest video Douyin takes (through the part upload).
pub const VIDEO_MAX_BYTES: i64 = 4 * 1024 * MB;
/// Douyin's simple upload takes up to 128 MB; we send anything above this in parts, as the
/// platform advises.
pub const CHUNKED_ABOVE: i64 = 50 * MB;
pub const SIMPLE_UPLOAD_MAX: i64 = 128 * MB;
/// Our part size (Douyin: ≥ 5 MB, about 20 MB advised).
pub const PART_BYTES: i64 = 20 * MB;
pub const MIN_PART_BYTES: i64 = 5 * MB;
pub const MAX_DURATION_MS: i64 = 15 * 60 * 1000;
pub const MAX_IMAGES: usize = 30;
pub const IMAGE_MAX_BYTES: i64 = 20 * MB;
pub const TITLE_MAX: usize = 60;
pub const BODY_MAX: usize = 1000;

/// A stored media file, as validation sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaFacts {
    pub role: String,
    pub size: i64,
    pub duration_ms: Option<i64>,
}

/// The `@昵称` mentions in a post's text, in order, without repeats.
pub fn mentions(body: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for part in body.split('@').skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '#' && *c != '@')
            .collect();
        if !name.is_empty() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// The `#话题` topics in a post's text.
pub fn topics(body: &str) -> Vec<String> {
    body.split('#')
        .skip(1)
        .map(|p| {
            p.chars()
                .take_while(|c| !c.is_whitespace() && *c != '#' && *c != '@')
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn valid_open_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// `@昵称 open_id` lines → pairs; a line that is not one is an error naming it.
pub fn mention_map(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(name), Some(id), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "@提及第 {} 行应为「@昵称 open_id」，例如「@小店主播 _000abc」",
                n + 1
            ));
        };
        if !valid_open_id(id) {
            return Err(format!(
                "@提及第 {} 行的 open_id 只能包含字母、数字和 _-.:",
                n + 1
            ));
        }
        pairs.push((name.trim_start_matches('@').to_string(), id.to_string()));
    }
    Ok(pairs)
}

/// The open_ids of the text's mentions, in order (Douyin's `at_users`).
pub fn at_users(body: &str, map: &str) -> Result<Vec<String>, String> {
    let pairs = mention_map(map)?;
    mentions(body)
        .into_iter()
        .map(|name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, id)| id.clone())
                .ok_or_else(|| format!("正文提到了 @{name}，请在「@提及」里填写其 open_id"))
        })
        .collect()
}

/// `bytes` as staff read it ("12.5 MB").
pub fn size_text(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / MB as f64)
}

/// Why the promotion cannot be published yet; empty when it can. `now` and `publish_at` are
/// unix seconds.
pub fn problems(
    form: &PromotionForm,
    account_ok: bool,
    media: &[MediaFacts],
    publish_at: Option<i64>,
    now: i64,
) -> Vec<String> {
    let mut out = Vec::new();
    if !account_ok {
        out.push("请选择一个已连接的抖音账号".to_string());
    }
    let title = form.title.trim().chars().count();
    if title == 0 {
        out.push("请填写标题".into());
    } else if title > TITLE_MAX {
        out.push(format!("标题最多 {TITLE_MAX} 个字"));
    }
    if form.body.chars().count() > BODY_MAX {
        out.push(format!("正文最多 {BODY_MAX} 个字"));
    }
    if let Err(why) = at_users(&form.body, &form.mentions) {
        out.push(why);
    }
    if !form.poi_id.trim().is_empty() && !form.micro_app_id.trim().is_empty() {
        out.push("每条内容只能挂一种锚点：位置（POI）或小程序，不能同时挂".into());
    }
    if !form.micro_app_id.trim().is_empty()
        && (form.micro_app_title.trim().is_empty() || form.micro_app_url.trim().is_empty())
    {
        out.push("挂小程序时请同时填写小程序标题和页面路径".into());
    }
    let videos: Vec<&MediaFacts> = media.iter().filter(|m| m.role == "video").collect();
    let images: Vec<&MediaFacts> = media.iter().filter(|m| m.role == "image").collect();
    match form.kind.as_str() {
        "video" => {
            if videos.is_empty() {
                out.push("短视频需要上传一个视频文件".into());
            }
            if !images.is_empty() {
                out.push("短视频不能带图片，请删除图片或改为图文".into());
            }
        }
        "image_text" => {
            if images.is_empty() {
                out.push("图文至少需要一张图片".into());
            }
            if !videos.is_empty() {
                out.push("图文不能带视频，请删除视频或改为短视频".into());
            }
            if form.body.trim().is_empty() {
                out.push("图文需要填写正文".into());
            }
        }
        "live" => {
            if publish_at.is_none() {
                out.push("直播预告需要填写开播时间".into());
            }
            if !videos.is_empty() && !images.is_empty() {
                out.push("直播预告的宣传内容只能是一个视频或一组图片".into());
            }
        }
        _ => out.push("请选择推广类型".into()),
    }
    if videos.len() > 1 {
        out.push("只能上传一个视频".into());
    }
    for v in &videos {
        if v.size > VIDEO_MAX_BYTES {
            out.push(format!("视频 {} 超过抖音上限 4 GB", size_text(v.size)));
        }
        match v.duration_ms {
            Some(ms) if ms > MAX_DURATION_MS => out.push(format!(
                "视频时长 {} 分 {} 秒，超过 15 分钟上限",
                ms / 60_000,
                ms / 1000 % 60
            )),
            Some(ms) if ms <= 0 => out.push("视频时长为 0，文件可能已损坏".into()),
            None => out.push("无法读取视频时长，请上传 MP4 文件".into()),
            _ => {}
        }
    }
    if images.len() > MAX_IMAGES {
        out.push(format!(
            "图片最多 {MAX_IMAGES} 张，现在有 {} 张",
            images.len()
        ));
    }
    for (i, m) in images.iter().enumerate() {
        if m.size > IMAGE_MAX_BYTES {
            out.push(format!(
                "第 {} 张图片 {} 超过 20 MB 上限",
                i + 1,
                size_text(m.size)
            ));
        }
    }
    if let Some(at) = publish_at {
        if at < now - 60 {
            out.push("发布时间已经过去，请改为以后的时间或留空（立即发布）".into());
        } else if at > now + 90 * 86_400 {
            out.push("发布时间最多可以排到 90 天以后".into());
        }
    }
    if form.cover_tsp.trim().parse::<f64>().is_err() && !form.cover_tsp.trim().is_empty() {
        out.push("封面时间点应为秒数，例如 1.5".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str) -> PromotionForm {
        PromotionForm {
            kind: kind.into(),
            title: "新品".into(),
            body: "新品上市 #好物推荐 @小店主播".into(),
            mentions: "@小店主播 _000abc".into(),
            ..PromotionForm::default()
        }
    }

    fn video(size: i64, ms: Option<i64>) -> MediaFacts {
        MediaFacts {
            role: "video".into(),
            size,
            duration_ms: ms,
        }
    }

    #[test]
    fn mentions_and_topics_are_read_from_the_text() {
        let body = "新品上市 #好物推荐 @小店主播 和 @阿强#夏日 @小店主播";
        assert_eq!(mentions(body), vec!["小店主播", "阿强"]);
        assert_eq!(topics(body), vec!["好物推荐", "夏日"]);
        assert_eq!(
            at_users(body, "@小店主播 _000abc\n阿强 _000def\n"),
            Ok(vec!["_000abc".to_string(), "_000def".to_string()])
        );
        let missing = at_users(body, "@小店主播 _000abc").unwrap_err();
        assert!(missing.contains("@阿强"), "{missing}");
        assert!(mention_map("@a b c").unwrap_err().contains("第 1 行"));
        assert!(mention_map("@a <script>").unwrap_err().contains("open_id"));
    }

    #[test]
    fn a_complete_video_passes() {
        let ok = problems(
            &form("video"),
            true,
            &[video(10 * MB, Some(30_000))],
            None,
            0,
        );
        assert!(ok.is_empty(), "{ok:?}");
    }

    #[test]
    fn video_limits_are_enforced() {
        let long = problems(&form("video"), true, &[video(MB, Some(901_000))], None, 0);
        assert!(long.iter().any(|p| p.contains("15 分钟")), "{long:?}");
        let big = problems(
            &form("video"),
            true,
            &[video(VIDEO_MAX_BYTES + 1, Some(1000))],
            None,
            0,
        );
        assert!(big.iter().any(|p| p.contains("4 GB")), "{big:?}");
        let unknown = problems(&form("video"), true, &[video(MB, None)], None, 0);
        assert!(unknown.iter().any(|p| p.contains("MP4")), "{unknown:?}");
        let none = problems(&form("video"), false, &[], None, 0);
        assert!(none.iter().any(|p| p.contains("视频文件")), "{none:?}");
        assert!(none.iter().any(|p| p.contains("抖音账号")), "{none:?}");
    }

    #[test]
    fn one_anchor_type_only() {
        let mut f = form("video");
        f.poi_id = "6601248937917548558".into();
        f.micro_app_id = "tt123".into();
        f.micro_app_title = "店".into();
        f.micro_app_url = "pages/index".into();
        let p = problems(&f, true, &[video(MB, Some(5000))], None, 0);
        assert!(p.iter().any(|p| p.contains("一种锚点")), "{p:?}");
    }

    #[test]
    fn image_text_counts_and_sizes() {
        let image = |size| MediaFacts {
            role: "image".into(),
            size,
            duration_ms: None,
        };
        let many: Vec<MediaFacts> = (0..31).map(|_| image(MB)).collect();
        let p = problems(&form("image_text"), true, &many, None, 0);
        assert!(p.iter().any(|p| p.contains("最多 30 张")), "{p:?}");
        let p = problems(&form("image_text"), true, &[image(21 * MB)], None, 0);
        assert!(p.iter().any(|p| p.contains("20 MB")), "{p:?}");
        assert!(problems(&form("image_text"), true, &[image(MB)], None, 0).is_empty());
    }

    #[test]
    fn live_needs_a_time_in_the_future() {
        let p = problems(&form("live"), true, &[], None, 1000);
        assert!(p.iter().any(|p| p.contains("开播时间")), "{p:?}");
        let p = problems(&form("live"), true, &[], Some(10), 1000);
        assert!(p.iter().any(|p| p.contains("已经过去")), "{p:?}");
        assert!(problems(&form("live"), true, &[], Some(5000), 1000).is_empty());
    }
}
