//! Server functions of the listing drafts (staff and admins; the cache refresh is admin-only).

use leptos::prelude::*;

use super::{AttributeSpec, CatalogDiff, DraftRow, Node, Problem};
use crate::error::AppError;

pub use super::api_editor::*;
pub use super::api_sheets::*;

#[cfg(feature = "ssr")]
use super::{cache, drafts, Draft};
#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::vault::service::open_credential;

#[cfg(feature = "ssr")]
fn cache_failure(err: cache::CacheError) -> AppError {
    match err {
        cache::CacheError::Ozon(e) => AppError::Invalid(format!("Ozon 接口失败：{e}")).respond(),
        cache::CacheError::Db(e) => AppError::from(e),
    }
}

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
    drafts::save_checked(&state, credential_id, &creds, &draft, &user.name)
        .await
        .map_err(cache_failure)
}

/// Types whose path contains `query`.
#[server(prefix = "/sf", endpoint = "listing_types_search")]
pub async fn search_types(credential_id: i64, query: String) -> Result<Vec<Node>, AppError> {
    let (state, _) = guard::require_user().await?;
    // The first search of an account fills its cache.
    if !cache::has_tree(&state.pool, credential_id).await? {
        let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
            .await
            .map_err(AppError::respond)?;
        super::refresh::refresh(&state.pool, &state.ozon, credential_id, &creds)
            .await
            .map_err(cache_failure)?;
    }
    Ok(cache::search_types(&state.pool, credential_id, &query, 50).await?)
}

#[server(prefix = "/sf", endpoint = "listing_attributes")]
pub async fn attributes(
    credential_id: i64,
    category_id: i64,
    type_id: i64,
) -> Result<Vec<AttributeSpec>, AppError> {
    let (state, _) = guard::require_user().await?;
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    cache::attributes(
        &state.pool,
        &state.ozon,
        credential_id,
        &creds,
        category_id,
        type_id,
    )
    .await
    .map_err(cache_failure)
}

/// Refreshes the cache now (admins); answers what changed.
#[server(prefix = "/sf", endpoint = "listing_cache_refresh")]
pub async fn refresh_cache(credential_id: i64) -> Result<CatalogDiff, AppError> {
    let (state, _) = guard::require_admin().await?;
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    super::refresh::refresh(&state.pool, &state.ozon, credential_id, &creds)
        .await
        .map_err(cache_failure)
}

#[server(prefix = "/sf", endpoint = "listing_drafts_list")]
pub async fn list_drafts() -> Result<Vec<DraftRow>, AppError> {
    let (state, _) = guard::require_user().await?;
    Ok(drafts::list(&state.pool).await?)
}

/// A saved draft, the credential it uses, its last problems and any cache-change flag.
#[server(prefix = "/sf", endpoint = "listing_draft_get")]
pub async fn get_draft(
    offer_id: String,
) -> Result<(i64, super::Draft, Vec<Problem>, Option<String>), AppError> {
    let (state, _) = guard::require_user().await?;
    drafts::find(&state.pool, &offer_id)
        .await?
        .ok_or_else(|| AppError::Invalid("草稿不存在".into()).respond())
}

/// Dictionary values of an attribute containing `query` (fetched on first use), at most 50.
#[server(prefix = "/sf", endpoint = "listing_values")]
pub async fn dictionary_values(
    credential_id: i64,
    attribute_id: i64,
    category_id: i64,
    type_id: i64,
    query: String,
) -> Result<Vec<(i64, String)>, AppError> {
    let (state, _) = guard::require_user().await?;
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    let all = cache::values(
        &state.pool,
        &state.ozon,
        credential_id,
        &creds,
        (attribute_id, category_id, type_id),
        cache::MAX_VALUES_PAGE,
    )
    .await
    .map_err(cache_failure)?;
    let needle = query.trim().to_lowercase();
    Ok(all
        .into_iter()
        .filter(|(_, v)| needle.is_empty() || v.to_lowercase().contains(&needle))
        .take(50)
        .collect())
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
    if bytes.len() as u64 > drafts::MAX_IMAGE_BYTES {
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

/// One stored refresh diff, for admins.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiffRow {
    pub credential_name: String,
    pub created_at: String,
    pub diff: CatalogDiff,
}

#[server(prefix = "/sf", endpoint = "listing_diffs")]
pub async fn recent_diffs() -> Result<Vec<DiffRow>, AppError> {
    let (state, _) = guard::require_admin().await?;
    let rows: Vec<(Option<String>, i64, String)> = sqlx::query_as(
        "SELECT c.name, d.created_at, d.changes FROM catalog_diffs d \
         LEFT JOIN ozon_credentials c ON c.id = d.credential_id ORDER BY d.id DESC LIMIT 20",
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, at, changes)| DiffRow {
            credential_name: name.unwrap_or_else(|| "（已删除的凭证）".into()),
            created_at: crate::ui::time::format_timestamp(at),
            diff: serde_json::from_str(&changes).unwrap_or_default(),
        })
        .collect())
}
