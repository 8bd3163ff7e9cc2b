//! Server functions of the category cache: type search, attributes, dictionary values, the
//! refresh (admins) and its recent diffs.

use leptos::prelude::*;

use crate::error::AppError;
use crate::ozon::listing::{AttributeSpec, CatalogDiff, Node};

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::ozon::listing::catalog::{cache, refresh};
#[cfg(feature = "ssr")]
use crate::vault::service::open_credential;

#[cfg(feature = "ssr")]
pub fn cache_failure(err: cache::CacheError) -> AppError {
    match err {
        cache::CacheError::Ozon(e) => AppError::Invalid(format!("Ozon 接口失败：{e}")).respond(),
        cache::CacheError::Db(e) => AppError::from(e),
    }
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
        refresh::refresh(&state.pool, &state.ozon, credential_id, &creds)
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
    refresh::refresh(&state.pool, &state.ozon, credential_id, &creds)
        .await
        .map_err(cache_failure)
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

pub use super::DiffRow;

#[server(prefix = "/sf", endpoint = "listing_diffs")]
pub async fn recent_diffs() -> Result<Vec<DiffRow>, AppError> {
    let (state, _) = guard::require_admin().await?;
    Ok(cache::recent_diffs(&state.pool, 20).await?)
}
