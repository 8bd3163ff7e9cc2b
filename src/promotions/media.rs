//! `POST /promotions/{id}/media`: a plain multipart form (works without JavaScript) with a
//! `video`, `images` (several) or `cover` file. Each file streams into the object store in parts
//! (a 4 GB video never sits in memory), is checked by its first bytes (MP4; JPEG/PNG/WebP), and
//! a video's duration is read from its `mvhd` box. The browser goes back to the editor with the
//! result; `Accept: application/json` gets `{code, message}` instead.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use tower_sessions::Session;

use super::validate::{IMAGE_MAX_BYTES, MAX_IMAGES, VIDEO_MAX_BYTES};
use crate::auth::store::Actor;
use crate::server::state::AppState;
use crate::storage::MediaStore;

pub const FLASH_KEY: &str = "promotion_flash";
/// The largest upload request: a 4 GB video and a little form around it.
pub const MAX_UPLOAD_BYTES: usize = VIDEO_MAX_BYTES as usize + 1024 * 1024;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route(
        "/promotions/{id}/media",
        axum::routing::post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Mp4,
    Jpeg,
    Png,
    Webp,
}

impl Sniffed {
    pub fn of(head: &[u8]) -> Option<Sniffed> {
        if head.len() >= 12 && &head[4..8] == b"ftyp" {
            Some(Sniffed::Mp4)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Sniffed::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Sniffed::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Sniffed::Webp)
        } else {
            None
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Sniffed::Mp4 => "mp4",
            Sniffed::Jpeg => "jpg",
            Sniffed::Png => "png",
            Sniffed::Webp => "webp",
        }
    }
}

/// An MP4 box header at the start of `bytes`: (total size, type, header length). A size of 0
/// means "to the end of the file" (`rest`).
pub fn box_header(bytes: &[u8], rest: u64) -> Option<(u64, [u8; 4], u64)> {
    let size = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as u64;
    let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
    match size {
        1 => {
            let large = u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?);
            (large >= 16).then_some((large, kind, 16))
        }
        0 => Some((rest, kind, 8)),
        n if n >= 8 => Some((n, kind, 8)),
        _ => None,
    }
}

/// The duration in milliseconds from a `moov` box's contents (its `mvhd`).
pub fn mvhd_duration_ms(moov: &[u8]) -> Option<i64> {
    let mut at = 0usize;
    while at + 8 <= moov.len() {
        let (size, kind, header) = box_header(&moov[at..], (moov.len() - at) as u64)?;
        if &kind == b"mvhd" {
            let body = moov.get(at + header as usize..)?;
            let version = *body.first()?;
            let (scale, duration) = if version == 1 {
                (
                    u32::from_be_bytes(body.get(20..24)?.try_into().ok()?) as u64,
                    u64::from_be_bytes(body.get(24..32)?.try_into().ok()?),
                )
            } else {
                (
                    u32::from_be_bytes(body.get(12..16)?.try_into().ok()?) as u64,
                    u32::from_be_bytes(body.get(16..20)?.try_into().ok()?) as u64,
                )
            };
            if scale == 0 {
                return None;
            }
            return i64::try_from(duration.checked_mul(1000)? / scale).ok();
        }
        at = at.checked_add(usize::try_from(size).ok()?)?;
    }
    None
}

/// Walks a stored MP4's top-level boxes by range reads to its `moov` and reads the duration.
pub async fn stored_duration_ms(media: &MediaStore, key: &str, len: u64) -> Option<i64> {
    let mut at = 0u64;
    for _ in 0..64 {
        if at + 8 > len {
            return None;
        }
        let head = media.get_range(key, at..(at + 16).min(len)).await.ok()?;
        let (size, kind, header) = box_header(&head, len - at)?;
        if &kind == b"moov" {
            // A moov of a 15-minute video is a few MB; refuse anything absurd.
            if size > 64 * 1024 * 1024 || at + size > len {
                return None;
            }
            let moov = media.get_range(key, at + header..at + size).await.ok()?;
            return mvhd_duration_ms(&moov);
        }
        at = at.checked_add(size)?;
    }
    None
}

fn role_of(field: &str) -> Option<(&'static str, i64)> {
    match field {
        "video" => Some(("video", VIDEO_MAX_BYTES)),
        "images" | "image" => Some(("image", IMAGE_MAX_BYTES)),
        "cover" => Some(("cover", IMAGE_MAX_BYTES)),
        _ => None,
    }
}

fn size_text(bytes: i64) -> String {
    format!("{:.0} MB", bytes as f64 / super::validate::MB as f64)
}

/// Streams one file field into the store; returns (key, size, kind).
async fn store_field(
    media: &MediaStore,
    id: i64,
    role: &str,
    limit: i64,
    name: &str,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<(String, i64, Sniffed), String> {
    let mut first: Vec<u8> = Vec::new();
    let mut writer: Option<(object_store::WriteMultipart, String, Sniffed)> = None;
    let mut size: i64 = 0;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                if let Some((w, ..)) = writer {
                    let _ = w.abort().await;
                }
                return Err(format!("「{name}」上传中断：{}", e.body_text()));
            }
        };
        size += chunk.len() as i64;
        if size > limit {
            if let Some((w, ..)) = writer {
                let _ = w.abort().await;
            }
            return Err(format!("「{name}」超过 {} 上限", size_text(limit)));
        }
        if writer.is_none() {
            first.extend_from_slice(&chunk);
            if first.len() < 16 {
                continue;
            }
            let sniffed = Sniffed::of(&first);
            let ok = match (role, sniffed) {
                ("video", Some(Sniffed::Mp4)) => true,
                ("video", _) => false,
                (_, Some(Sniffed::Mp4)) | (_, None) => false,
                _ => true,
            };
            let Some(kind) = sniffed.filter(|_| ok) else {
                return Err(if role == "video" {
                    format!("「{name}」不是 MP4 视频")
                } else {
                    format!("「{name}」不是 JPEG、PNG 或 WebP 图片")
                });
            };
            let key = format!(
                "promotions/{id}/{role}-{}.{}",
                &crate::vault::digest::random_token()[..12],
                kind.ext()
            );
            let mut w = media
                .writer(&key, crate::storage::content_type_of(&key))
                .await
                .map_err(|_| "存储失败，请稍后再试".to_string())?;
            w.write(&first);
            writer = Some((w, key, kind));
            continue;
        }
        if let Some((w, ..)) = writer.as_mut() {
            if w.wait_for_capacity(4).await.is_err() {
                return Err("存储失败，请稍后再试".into());
            }
            w.write(&chunk);
        }
    }
    let Some((w, key, kind)) = writer else {
        return Err(if size == 0 {
            format!("「{name}」是空文件")
        } else {
            format!("「{name}」太小，不是有效的文件")
        });
    };
    w.finish()
        .await
        .map_err(|_| "存储失败，请稍后再试".to_string())?;
    Ok((key, size, kind))
}

fn clean_name(name: Option<&str>) -> String {
    let name = name.unwrap_or("未命名");
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control()).take(120).collect()
}

async fn receive(state: &AppState, id: i64, mut form: Multipart) -> Result<String, String> {
    let pool = &state.pool;
    let media = state.pipeline.media();
    let mut saved = Vec::new();
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(format!("上传的表单无法读取：{}", e.body_text())),
        };
        let Some((role, limit)) = field.name().and_then(role_of) else {
            continue;
        };
        if field.file_name().is_none_or(str::is_empty) {
            continue; // an empty file input
        }
        let name = clean_name(field.file_name());
        if role == "image" {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM promotion_media WHERE promotion_id = ? AND role = 'image'",
            )
            .bind(id)
            .fetch_one(pool)
            .await
            .map_err(|_| "数据库错误".to_string())?;
            if n as usize >= MAX_IMAGES {
                return Err(format!("图片最多 {MAX_IMAGES} 张，「{name}」未保存"));
            }
        }
        let (key, size, kind) = store_field(media, id, role, limit, &name, &mut field).await?;
        let duration = if kind == Sniffed::Mp4 {
            stored_duration_ms(media, &key, size as u64).await
        } else {
            None
        };
        if role != "image" {
            let old: Vec<String> = sqlx::query_scalar(
                "DELETE FROM promotion_media WHERE promotion_id = ? AND role = ? RETURNING object_key",
            )
            .bind(id)
            .bind(role)
            .fetch_all(pool)
            .await
            .map_err(|_| "数据库错误".to_string())?;
            for key in old {
                let _ = media.delete(&key).await;
            }
        }
        sqlx::query(
            "INSERT INTO promotion_media (promotion_id, role, object_key, file_name, size, \
             duration_ms, position, created_at) VALUES (?, ?, ?, ?, ?, ?, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM promotion_media WHERE promotion_id = ?), ?)",
        )
        .bind(id)
        .bind(role)
        .bind(&key)
        .bind(&name)
        .bind(size)
        .bind(duration)
        .bind(id)
        .bind(crate::server::db::now_unix())
        .execute(pool)
        .await
        .map_err(|_| "数据库错误".to_string())?;
        saved.push(name);
    }
    if saved.is_empty() {
        return Err("没有收到文件，请选择视频或图片后再上传".into());
    }
    Ok(format!("已上传：{}", saved.join("、")))
}

async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let Some(user) = crate::auth::guard::user_from_session(&state.pool, &session).await else {
        return if wants_json {
            reply(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "请先登录")
        } else {
            Redirect::to("/login").into_response()
        };
    };
    let editable = sqlx::query_scalar::<_, String>("SELECT state FROM promotions WHERE id = ?")
        .bind(id)
        .fetch_optional(&state.pool)
        .await;
    let result = match editable {
        Ok(Some(s)) if s == "draft" || s == "failed" => receive(&state, id, form).await,
        Ok(Some(_)) => Err("只有草稿和发布失败的推广可以更换素材".into()),
        Ok(None) => Err("推广不存在".into()),
        Err(_) => Err("数据库错误".into()),
    };
    if let Ok(message) = &result {
        let actor = Actor::user(&user, "");
        let _ = crate::auth::store::append_audit(
            &state.pool,
            &actor,
            "promotion.media",
            &format!("promotion:{id}"),
            message,
        )
        .await;
    }
    if wants_json {
        return match result {
            Ok(message) => reply(StatusCode::OK, "OK", &message),
            Err(message) => reply(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_MEDIA", &message),
        };
    }
    let (ok, message) = match result {
        Ok(m) => (true, m),
        Err(m) => (false, m),
    };
    let flash = crate::platforms::connect::Flash { ok, message };
    if let Err(e) = session.insert(FLASH_KEY, flash).await {
        tracing::warn!(error = %e, "flash not stored");
    }
    Redirect::to(&format!("/promotions/{id}")).into_response()
}

fn reply(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"code": code, "message": message})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4(duration_ms: u32, padding: usize) -> Vec<u8> {
        crate::sim::douyin_content::sample_mp4(duration_ms, 136 + padding + 8)
    }

    #[test]
    fn sniffs_by_content_not_name() {
        assert_eq!(Sniffed::of(&mp4(1000, 0)), Some(Sniffed::Mp4));
        assert_eq!(
            Sniffed::of(b"\xFF\xD8\xFF\xE0 jpeg here"),
            Some(Sniffed::Jpeg)
        );
        assert_eq!(Sniffed::of(b"<script>alert(1)</script>"), None);
        assert_eq!(Sniffed::of(b""), None);
    }

    #[test]
    fn reads_the_duration_from_mvhd() {
        let file = mp4(95_500, 10);
        let (size, kind, header) = box_header(&file[20..], 1000).expect("moov");
        assert_eq!(&kind, b"moov");
        let moov = &file[20 + header as usize..20 + size as usize];
        assert_eq!(mvhd_duration_ms(moov), Some(95_500));
        assert_eq!(mvhd_duration_ms(b"garbage"), None);
        assert_eq!(box_header(&[0, 0, 0, 3, b'a', b'b', b'c', b'd'], 9), None);
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("C:\\x\\a.mp4")), "a.mp4");
        assert_eq!(clean_name(None), "未命名");
    }
}
