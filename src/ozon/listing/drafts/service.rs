//! Drafts: saved as typed (even when invalid), validated against the cache on every save, and
//! their images checked with a HEAD request through the SSRF guard.

use std::collections::HashMap;

use sqlx::AnyPool;

use super::store;
use super::SavedDraft;
use crate::common::fetch::Fetcher;
use crate::ozon::client::{OzonClient, OzonCredentials};
use crate::ozon::listing::catalog::cache::{self, CacheError};
use crate::ozon::listing::validate::{validate, CatalogFacts};
use crate::ozon::listing::{Draft, DraftRow, Problem};

/// Largest image Ozon takes by URL.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// What the cache knows about the draft's category, type and dictionary values.
pub async fn facts(
    pool: &AnyPool,
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

/// The drafts service: what saving a draft needs (the pool, the Ozon client for the cache, the
/// fetcher for image checks), constructible without the HTTP server.
#[derive(Clone, Debug)]
pub struct Drafts {
    pool: AnyPool,
    ozon: OzonClient,
    fetcher: Fetcher,
}

impl Drafts {
    pub fn new(pool: AnyPool, ozon: OzonClient, fetcher: Fetcher) -> Self {
        Drafts {
            pool,
            ozon,
            fetcher,
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn ozon(&self) -> &OzonClient {
        &self.ozon
    }

    /// What the cache knows about the draft's category (see [`facts`]).
    pub async fn facts(
        &self,
        credential_id: i64,
        creds: &OzonCredentials,
        draft: &Draft,
    ) -> Result<CatalogFacts, CacheError> {
        facts(&self.pool, &self.ozon, credential_id, creds, draft).await
    }

    /// Validates (cache facts, rules, image HEADs) and saves the draft whatever the outcome.
    pub async fn save_checked(
        &self,
        credential_id: i64,
        creds: &OzonCredentials,
        draft: &Draft,
        by: &str,
    ) -> Result<Vec<Problem>, CacheError> {
        let facts = self.facts(credential_id, creds, draft).await?;
        let mut problems = validate(draft, &facts);
        let urls_ok = !problems.iter().any(|p| p.field.starts_with("images"));
        if urls_ok {
            problems.extend(check_images(&self.fetcher, &draft.images).await);
        }
        store::save(&self.pool, credential_id, draft, &problems, by).await?;
        Ok(problems)
    }

    /// A saved draft.
    pub async fn find(&self, offer_id: &str) -> sqlx::Result<Option<SavedDraft>> {
        store::find(&self.pool, offer_id).await
    }

    /// The newest drafts (at most 500).
    pub async fn list(&self) -> sqlx::Result<Vec<DraftRow>> {
        store::list(&self.pool).await
    }
}
