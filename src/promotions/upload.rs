//! The upload step of the publish job: a video through `upload_video` (≤ 50 MB) or Douyin's
//! part upload (`upload_id` and each part stored as it completes, so a restart continues with
//! the next part), or the images one by one (each `image_id` stored).

use super::stop::{storage_error, Stop};
use super::store::{Media, Record};
use super::validate::{CHUNKED_ABOVE, PART_BYTES};
use crate::platforms::hub::Hub;
use crate::platforms::tokens::with_token;
use crate::storage::MediaStore;

async fn upload_video(
    hub: &Hub,
    media: &MediaStore,
    r: &Record,
    v: &Media,
    open_id: &str,
) -> Result<String, Stop> {
    let c = &hub.content;
    if v.size <= CHUNKED_ABOVE {
        let bytes = media.get(&v.object_key).await.map_err(storage_error)?;
        let id = with_token(hub, r.account_id, |t| {
            let bytes = bytes.clone();
            let open_id = open_id.to_string();
            async move { c.upload_video(&t, &open_id, bytes).await }
        })
        .await?;
        return Ok(id);
    }
    let upload_id = match &r.upload_id {
        Some(u) => u.clone(),
        None => {
            let u = with_token(hub, r.account_id, |t| {
                let open_id = open_id.to_string();
                async move { c.init_part_upload(&t, &open_id).await }
            })
            .await?;
            sqlx::query("UPDATE promotions SET upload_id = $1, parts_done = 0 WHERE id = $2")
                .bind(&u)
                .bind(r.id)
                .execute(&hub.pool)
                .await?;
            u
        }
    };
    let parts = (v.size + PART_BYTES - 1) / PART_BYTES;
    // The last part takes the remainder, so no part but the last is under 5 MB.
    for n in (r.parts_done + 1)..=parts {
        let start = ((n - 1) * PART_BYTES) as u64;
        let end = if n == parts { v.size } else { n * PART_BYTES } as u64;
        let bytes = media
            .get_range(&v.object_key, start..end)
            .await
            .map_err(storage_error)?;
        with_token(hub, r.account_id, |t| {
            let bytes = bytes.clone();
            let (open_id, upload_id) = (open_id.to_string(), upload_id.clone());
            async move { c.upload_part(&t, &open_id, &upload_id, n, bytes).await }
        })
        .await?;
        sqlx::query("UPDATE promotions SET parts_done = $1 WHERE id = $2")
            .bind(n)
            .bind(r.id)
            .execute(&hub.pool)
            .await?;
    }
    let id = with_token(hub, r.account_id, |t| {
        let (open_id, upload_id) = (open_id.to_string(), upload_id.clone());
        async move { c.complete_part_upload(&t, &open_id, &upload_id).await }
    })
    .await?;
    Ok(id)
}

pub(super) async fn open_id(hub: &Hub, r: &Record) -> Result<String, Stop> {
    match hub.account(r.account_id).await? {
        Some(a) if a.platform == "douyin" => Ok(a.external_id),
        _ => Err(Stop::Fail("发布账号已不存在，请选择其他抖音账号".into())),
    }
}

/// Uploads what is not uploaded yet, one stored result at a time.
pub(super) async fn upload(
    hub: &Hub,
    media: &MediaStore,
    r: &mut Record,
    files: &[Media],
    open_id: &str,
) -> Result<(), Stop> {
    if let Some(v) = files.iter().find(|m| m.role == "video") {
        if r.video_id.is_none() {
            let id = upload_video(hub, media, r, v, open_id).await?;
            sqlx::query("UPDATE promotions SET video_id = $1, upload_id = NULL WHERE id = $2")
                .bind(&id)
                .bind(r.id)
                .execute(&hub.pool)
                .await?;
            r.video_id = Some(id);
        }
        return Ok(());
    }
    let mut done: Vec<String> = crate::common::json::column_or_default(
        &format!("promotions {} image_ids", r.id),
        r.image_ids.as_deref(),
    )?;
    let c = &hub.content;
    for m in files.iter().filter(|m| m.role == "image").skip(done.len()) {
        let bytes = media.get(&m.object_key).await.map_err(storage_error)?;
        let name = m
            .object_key
            .rsplit('/')
            .next()
            .unwrap_or("image.jpg")
            .to_string();
        let id = with_token(hub, r.account_id, |t| {
            let (bytes, open_id, name) = (bytes.clone(), open_id.to_string(), name.clone());
            async move { c.upload_image(&t, &open_id, bytes, &name).await }
        })
        .await?;
        done.push(id);
        let text = serde_json::to_string(&done).unwrap_or_default();
        super::store::set_column(&hub.pool, r.id, "image_ids", Some(&text)).await?;
    }
    r.image_ids = serde_json::to_string(&done).ok();
    Ok(())
}
