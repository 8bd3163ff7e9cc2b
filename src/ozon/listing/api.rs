//! Server functions of the listing drafts (staff and admins; the cache refresh is admin-only).

use leptos::prelude::*;

use super::{AttributeSpec, CatalogDiff, Node, Problem};
use crate::error::AppError;

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
    cache::refresh(&state.pool, &state.ozon, credential_id, &creds)
        .await
        .map_err(cache_failure)
}
