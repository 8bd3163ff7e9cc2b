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

use super::mp4::{stored_duration_ms, Sniffed};
use super::store::media as media_rows;
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

/// Why an upload was refused; its text is what the editor shows.
#[derive(Debug, thiserror::Error)]
enum UploadError {
    #[error("上传的表单无法读取：{0}")]
    Form(String),
    /// A file that cannot be kept (interrupted, too big, not a video or picture, empty).
    #[error("{0}")]
    File(String),
    #[error("图片最多 {MAX_IMAGES} 张，「{0}」未保存")]
    TooManyImages(String),
    #[error("存储失败，请稍后再试")]
    Storage,
    #[error("没有收到文件，请选择视频或图片后再上传")]
    Nothing,
    #[error("只有草稿和发布失败的推广可以更换素材")]
    NotEditable,
    #[error("推广不存在")]
    NotFound,
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
}

fn role_of(field: &str) -> Option<(&'static str, i64)> {
    match field {
        "video" => Some(("video", VIDEO_MAX_BYTES)),
        "images" | "image" => Some(("image", IMAGE_MAX_BYTES)),
        "cover" => Some(("cover", IMAGE_MAX_BYTES)),
        _ => None,
    }
}

/// Streams one file field into the store; returns (key, size, kind).
async fn store_field(
    media: &MediaStore,
    id: i64,
    role: &str,
    limit: i64,
    name: &str,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<(String, i64, Sniffed), UploadError> {
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
                return Err(UploadError::File(format!(
                    "「{name}」上传中断：{}",
                    e.body_text()
                )));
            }
        };
        size += chunk.len() as i64;
        if size > limit {
            if let Some((w, ..)) = writer {
                let _ = w.abort().await;
            }
            return Err(UploadError::File(format!(
                "「{name}」超过 {} 上限",
                super::validate::size_text(limit)
            )));
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
                return Err(UploadError::File(if role == "video" {
                    format!("「{name}」不是 MP4 视频")
                } else {
                    format!("「{name}」不是 JPEG、PNG 或 WebP 图片")
                }));
            };
            let key = crate::storage::keys::promotion_media(
                id,
                role,
                &crate::common::digest::random_token()[..12],
                kind.ext(),
            );
            let mut w = media
                .writer(&key, crate::storage::content_type_of(&key))
                .await
                .map_err(|_| UploadError::Storage)?;
            w.write(&first);
            writer = Some((w, key, kind));
            continue;
        }
        if let Some((w, ..)) = writer.as_mut() {
            if w.wait_for_capacity(4).await.is_err() {
                return Err(UploadError::Storage);
            }
            w.write(&chunk);
        }
    }
    let Some((w, key, kind)) = writer else {
        return Err(UploadError::File(if size == 0 {
            format!("「{name}」是空文件")
        } else {
            format!("「{name}」太小，不是有效的文件")
        }));
    };
    w.finish().await.map_err(|_| UploadError::Storage)?;
    Ok((key, size, kind))
}

fn clean_name(name: Option<&str>) -> String {
    let name = name.unwrap_or("未命名");
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.chars().filter(|c| !c.is_control()).take(120).collect()
}

async fn receive(state: &AppState, id: i64, mut form: Multipart) -> Result<String, UploadError> {
    let pool = &state.pool;
    let media = &state.media;
    let mut saved = Vec::new();
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(UploadError::Form(e.body_text())),
        };
        let Some((role, limit)) = field.name().and_then(role_of) else {
            continue;
        };
        if field.file_name().is_none_or(str::is_empty) {
            continue; // an empty file input
        }
        let name = clean_name(field.file_name());
        if role == "image" && media_rows::image_count(pool, id).await? as usize >= MAX_IMAGES {
            return Err(UploadError::TooManyImages(name));
        }
        let (key, size, kind) = store_field(media, id, role, limit, &name, &mut field).await?;
        let duration = if kind == Sniffed::Mp4 {
            stored_duration_ms(media, &key, size as u64).await
        } else {
            None
        };
        if role != "image" {
            for key in media_rows::take_role(pool, id, role).await? {
                let _ = media.delete(&key).await;
            }
        }
        let row = media_rows::NewMedia {
            role,
            key: &key,
            file_name: &name,
            size,
            duration_ms: duration,
        };
        media_rows::add(pool, id, &row).await?;
        saved.push(name);
    }
    if saved.is_empty() {
        return Err(UploadError::Nothing);
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
    let editable = media_rows::state_of(&state.pool, id).await;
    let result = match editable {
        Ok(Some(s)) if s == "draft" || s == "failed" => receive(&state, id, form).await,
        Ok(Some(_)) => Err(UploadError::NotEditable),
        Ok(None) => Err(UploadError::NotFound),
        Err(e) => Err(UploadError::Db(e)),
    };
    if let Err(UploadError::Db(e)) = &result {
        tracing::error!(promotion = id, error = %e, "promotion upload failed");
    }
    let result = result.map_err(|e| e.to_string());
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
    let flash = crate::platforms::routes::Flash { ok, message };
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

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(clean_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_name(Some("C:\\x\\a.mp4")), "a.mp4");
        assert_eq!(clean_name(None), "未命名");
    }
}
