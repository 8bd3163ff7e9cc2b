//! Server functions of the listing drafts: save, list, open, picture upload (staff and admins).

use leptos::prelude::*;

use crate::error::AppError;
use crate::ozon::listing::{DraftRow, Problem};

mod editor;
pub use editor::*;

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::ozon::listing::catalog::api::cache_failure;
#[cfg(feature = "ssr")]
use crate::ozon::listing::Draft;
#[cfg(feature = "ssr")]
use crate::vault::service::open_credential;

/// Saves a draft (JSON of `Draft`) as typed and returns its problems; an invalid draft is
/// still saved.
#[server(prefix = "/sf", endpoint = "listing_draft_save")]
pub async fn save_draft(credential_id: i64, draft: String) -> Result<Vec<Problem>, AppError> {
    let (state, user) = guard::require_user().await?;
    let draft: Draft = serde_json::from_str(&draft)
        .map_err(|e| AppError::Invalid(format!("草稿格式无效：{e}")).respond())?;
    if draft.offer_id.trim().is_empty() {
        return Err(AppError::Invalid("请先填写货号（offer_id），草稿按货号保存".into()).respond());
    }
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    state
        .drafts
        .save_checked(credential_id, &creds, &draft, &user.name)
        .await
        .map_err(cache_failure)
}

#[server(prefix = "/sf", endpoint = "listing_drafts_list")]
pub async fn list_drafts() -> Result<Vec<DraftRow>, AppError> {
    let (state, _) = guard::require_user().await?;
    Ok(state.drafts.list().await?)
}

/// A saved draft, the credential it uses, its last problems and any cache-change flag.
#[server(prefix = "/sf", endpoint = "listing_draft_get")]
pub async fn get_draft(offer_id: String) -> Result<super::SavedDraft, AppError> {
    let (state, _) = guard::require_user().await?;
    state
        .drafts
        .find(&offer_id)
        .await?
        .ok_or_else(|| AppError::Invalid("草稿不存在".into()).respond())
}

/// Stores an uploaded picture (base64) under a content-hash key and answers its public URL,
/// so a changed picture gets a new URL and Ozon does not skip it.
#[server(prefix = "/sf", endpoint = "listing_image_upload")]
pub async fn upload_image(data: String) -> Result<String, AppError> {
    use base64::Engine;
    use sha2::Digest;
    let (state, _) = guard::require_user().await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| AppError::Invalid("图片内容无效".into()).respond())?;
    if bytes.len() as u64 > super::service::MAX_IMAGE_BYTES {
        return Err(AppError::Invalid("图片超过 10 MB".into()).respond());
    }
    let kind = crate::common::sniff::sniff(&bytes).ok_or_else(|| {
        AppError::Invalid("不是图片（支持 JPEG、PNG、WebP、GIF、HEIC）".into()).respond()
    })?;
    let hash = sha2::Sha256::digest(&bytes);
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let key = crate::storage::keys::listing_upload(&hex, kind.ext());
    let media = &state.media;
    media
        .put(&key, bytes::Bytes::from(bytes), kind.content_type())
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "listing image upload failed");
            AppError::Invalid("图片保存失败，请稍后再试".into()).respond()
        })?;
    Ok(media.public_url(&key))
}
