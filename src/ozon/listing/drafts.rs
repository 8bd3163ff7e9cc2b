//! Drafts: saved as typed (even when invalid), validated against the cache on every save, and
//! their images checked with a HEAD request through the SSRF guard.

use std::collections::HashMap;

use sqlx::SqlitePool;

use super::cache::{self, CacheError};
use super::validate::{validate, CatalogFacts};
use super::{Draft, Problem};
use crate::common::clock::now_unix;
use crate::common::fetch::Fetcher;
use crate::ozon::client::{OzonClient, OzonCredentials};

/// Largest image Ozon takes by URL.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// What the cache knows about the draft's category, type and dictionary values.
pub async fn facts(
    pool: &SqlitePool,
    ozon: &OzonClient,
    credential_id: i64,
    creds: &OzonCredentials,
    draft: &Draft,
) -> Result<CatalogFacts, CacheError> {
    let (Some(category_id), Some(type_id)) = (draft.description_category_id, draft.type_id) else {
        return Ok(CatalogFacts::default());
    };
    if !cache::pair_known(pool, credential_id, category_id, type_id).await? {
        return Ok(CatalogFacts::default());
    }
    let attributes =
        cache::attributes(pool, ozon, credential_id, creds, category_id, type_id).await?;
    let mut values = HashMap::new();
    for spec in attributes.iter().filter(|s| s.dictionary_id > 0) {
        if !draft.attributes.iter().any(|a| a.id == spec.id) {
            continue;
        }
        let known = cache::values(
            pool,
            ozon,
            credential_id,
            creds,
            (spec.id, category_id, type_id),
            cache::MAX_VALUES_PAGE,
        )
        .await?;
        values.insert(spec.id, known.into_iter().map(|(id, _)| id).collect());
    }
    Ok(CatalogFacts {
        pair_known: true,
        attributes,
        values,
    })
}

/// HEADs every image: 200, an image content type, at most 10 MB.
pub async fn check_images(fetcher: &Fetcher, images: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, url) in images.iter().enumerate() {
        let field = format!("images.{}", i + 1);
        match fetcher.probe(url).await {
            Ok((content_type, _)) if !content_type.starts_with("image/") => {
                problems.push(Problem {
                    field,
                    message: format!("图片地址返回的不是图片（{content_type}）"),
                })
            }
            Ok((_, Some(len))) if len > MAX_IMAGE_BYTES => problems.push(Problem {
                field,
                message: "图片超过 10 MB".into(),
            }),
            Ok(_) => {}
            Err(err) => problems.push(Problem {
                field,
                message: format!("图片地址无法访问：{err}"),
            }),
        }
    }
    problems
}

/// Saves the draft as typed and its problems; returns the problems.
pub async fn save(
    pool: &SqlitePool,
    credential_id: i64,
    draft: &Draft,
    problems: &[Problem],
    by: &str,
) -> sqlx::Result<()> {
    let now = now_unix();
    sqlx::query(
        "INSERT INTO listing_drafts (offer_id, credential_id, data, problems, flag, updated_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, NULL, ?, ?, ?) \
         ON CONFLICT (offer_id) DO UPDATE SET credential_id = excluded.credential_id, data = excluded.data, \
         problems = excluded.problems, flag = NULL, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(draft.offer_id.trim())
    .bind(credential_id)
    .bind(serde_json::to_string(draft).unwrap_or_default())
    .bind(serde_json::to_string(problems).unwrap_or_default())
    .bind(by)
    .bind(now)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// A saved draft with its last problems and any cache-change flag.
pub async fn find(
    pool: &SqlitePool,
    offer_id: &str,
) -> sqlx::Result<Option<(i64, Draft, Vec<Problem>, Option<String>)>> {
    let row: Option<(Option<i64>, String, String, Option<String>)> = sqlx::query_as(
        "SELECT credential_id, data, problems, flag FROM listing_drafts WHERE offer_id = ?",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(credential, data, problems, flag)| {
        (
            credential.unwrap_or_default(),
            serde_json::from_str(&data).unwrap_or_default(),
            serde_json::from_str(&problems).unwrap_or_default(),
            flag,
        )
    }))
}

/// Validates (cache facts, rules, image HEADs) and saves the draft whatever the outcome.
pub async fn save_checked(
    state: &crate::server::state::AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    draft: &Draft,
    by: &str,
) -> Result<Vec<Problem>, CacheError> {
    let facts = facts(&state.pool, &state.ozon, credential_id, creds, draft).await?;
    let mut problems = validate(draft, &facts);
    let urls_ok = !problems.iter().any(|p| p.field.starts_with("images"));
    if urls_ok {
        problems.extend(check_images(&state.fetcher, &draft.images).await);
    }
    save(&state.pool, credential_id, draft, &problems, by).await?;
    Ok(problems)
}

/// Every draft, newest first.
pub async fn list(pool: &SqlitePool) -> sqlx::Result<Vec<super::DraftRow>> {
    let rows: Vec<(String, String, String, Option<String>, String, i64)> = sqlx::query_as(
        "SELECT offer_id, data, problems, flag, updated_by, updated_at FROM listing_drafts \
         ORDER BY updated_at DESC, offer_id LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(offer_id, data, problems, flag, updated_by, updated_at)| {
            let draft: Draft = serde_json::from_str(&data).unwrap_or_default();
            let problems: Vec<Problem> = serde_json::from_str(&problems).unwrap_or_default();
            super::DraftRow {
                offer_id,
                name: draft.name,
                problems: problems.len(),
                flag,
                updated_by,
                updated_at: crate::ui::time::format_timestamp(updated_at),
            }
        })
        .collect())
}
