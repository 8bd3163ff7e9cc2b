//! The pipeline's door for the pages: submit drafts (validated first), retry failed products.

use std::collections::HashMap;

use super::listing::Listing;
use super::queue::{self, Queue};
pub use super::service_types::Outcome;
use super::state::{State, Step};
use super::store;
use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::catalog::cache::CacheError;
use crate::ozon::listing::domain::OfferId;
use crate::ozon::listing::drafts::service::Drafts;
use crate::ozon::listing::validate::{validate, CatalogFacts};
use crate::ozon::listing::{drafts, Draft};

/// Products one submit takes.
pub const MAX_SUBMIT: usize = 1000;

/// Why a product was not submitted or retried; its text is what the page shows.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("草稿不存在")]
    NoDraft,
    #[error("{0}（请打开草稿检查并保存后再提交）")]
    Flagged(String),
    #[error("草稿使用的 Ozon 凭证已被删除")]
    NoCredential,
    #[error("无法读取类目缓存：{0}")]
    Cache(CacheError),
    /// The validator's first problems.
    #[error("草稿未通过检查：{0}")]
    Invalid(String),
    /// A bulk change saved into the draft, which now fails the validator.
    #[error("已保存到草稿，但草稿未通过检查：{message}（{field}）")]
    SavedInvalid { message: String, field: String },
    #[error("商品不在上架流程中")]
    NotInPipeline,
    #[error("商品当前为“{}”，不需要重试", .0.label())]
    NotFailed(State),
    #[error("{0}")]
    Moved(#[from] store::StoreError),
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
}

impl Refusal {
    /// The message, logging what the page does not show.
    pub fn told(self) -> String {
        if let Refusal::Db(e) = &self {
            tracing::error!(error = %e, "listing submit or retry failed");
        }
        self.to_string()
    }
}

fn outcome(offer_id: &str, ok: bool, message: impl Into<String>) -> Outcome {
    Outcome {
        offer_id: offer_id.to_string(),
        ok,
        message: message.into(),
    }
}

/// What one submit has already opened: credentials, and the catalog facts per category, type
/// and attribute set.
#[derive(Default)]
struct Opened {
    creds: HashMap<i64, Option<OzonCredentials>>,
    facts: HashMap<FactsKey, CatalogFacts>,
}

/// Credential, category, type and the draft's attribute ids.
type FactsKey = (i64, Option<i64>, Option<i64>, Vec<i64>);

/// Sends drafts into the pipeline. A draft that does not pass the validator is refused with
/// its first problems; a product already on its way is left alone; a failed one is retried; a
/// card that exists is updated (pictures, price, stocks). Every draft is read and checked
/// first; the writes for those that passed go in one transaction.
pub async fn submit(
    listing: &Listing,
    drafts: &Drafts,
    offer_ids: &[OfferId],
    by: &str,
) -> Vec<Outcome> {
    let mut opened = Opened::default();
    let mut checked = Vec::new();
    for offer_id in offer_ids.iter().take(MAX_SUBMIT) {
        let result = check_one(listing, drafts, offer_id, &mut opened).await;
        checked.push((offer_id, result.map_err(Refusal::told)));
    }
    let passed: Vec<(&str, i64)> = checked
        .iter()
        .filter_map(|(id, r)| r.as_ref().ok().map(|c| (id.as_str(), *c)))
        .collect();
    let admitted = admit_all(listing, &passed, by).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "listing submit failed");
        HashMap::new()
    });
    let mut done = Vec::new();
    for (offer_id, result) in checked {
        let result = match (result, admitted.get(offer_id.as_str())) {
            (Err(message), _) => Err(message),
            (Ok(_), None) => Err("数据库错误".to_string()),
            (Ok(_), Some(State::Error)) => retry(listing, offer_id).await.map_err(Refusal::told),
            (Ok(_), Some(State::Draft)) => Ok("已提交".to_string()),
            (Ok(_), Some(State::MediaReady | State::ImportSubmitted)) => {
                Ok("已在处理中".to_string())
            }
            (Ok(_), Some(_)) => Ok("已提交更新（图片、价格、库存）".to_string()),
        };
        done.push(match result {
            Ok(message) => outcome(offer_id, true, message),
            Err(message) => outcome(offer_id, false, message),
        });
    }
    listing.wake();
    done
}

/// Reads and checks one draft: its credential, or why it is refused.
async fn check_one(
    listing: &Listing,
    drafts: &Drafts,
    offer_id: &str,
    opened: &mut Opened,
) -> Result<i64, Refusal> {
    let saved = drafts.find(offer_id).await?.ok_or(Refusal::NoDraft)?;
    let (credential_id, draft) = (saved.credential_id, saved.draft);
    if let Some(flag) = saved.flag {
        return Err(Refusal::Flagged(flag));
    }
    check(listing, drafts, credential_id, &draft, opened).await?;
    Ok(credential_id)
}

/// In one transaction: each product admitted (as Draft when new), marked with who submitted
/// it, and queued for the media step when it is new or has a card (an update). Answers each
/// product's state.
async fn admit_all(
    listing: &Listing,
    passed: &[(&str, i64)],
    by: &str,
) -> sqlx::Result<HashMap<String, State>> {
    let now = listing.now();
    let mut tx = crate::server::db::begin_write(listing.pool()).await?;
    let mut states = HashMap::new();
    for (offer_id, credential_id) in passed {
        store::admit(&mut *tx, offer_id, *credential_id).await?;
        let current = store::mark_submitted(&mut *tx, offer_id, by).await?;
        if !matches!(
            current,
            State::Error | State::MediaReady | State::ImportSubmitted
        ) {
            queue::enqueue_on(&mut tx, Queue::Media, offer_id, now).await?;
        }
        states.insert(offer_id.to_string(), current);
    }
    tx.commit().await?;
    Ok(states)
}

/// The validator of part 1, with the cache's facts; image HEADs are the media step's.
async fn check(
    listing: &Listing,
    drafts: &Drafts,
    credential_id: i64,
    draft: &Draft,
    opened: &mut Opened,
) -> Result<(), Refusal> {
    let Opened { creds, facts } = opened;
    if let std::collections::hash_map::Entry::Vacant(e) = creds.entry(credential_id) {
        e.insert(listing.credentials(credential_id).await.ok());
    }
    let Some(Some(c)) = creds.get(&credential_id) else {
        return Err(Refusal::NoCredential);
    };
    // A batch is mostly one category: its facts are read once per submit.
    let key = (
        credential_id,
        draft.description_category_id,
        draft.type_id,
        draft.attributes.iter().map(|a| a.id).collect::<Vec<_>>(),
    );
    let known = match facts.entry(key) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(
            drafts
                .facts(credential_id, c, draft)
                .await
                .map_err(Refusal::Cache)?,
        ),
    };
    let problems = validate(draft, known);
    if problems.is_empty() {
        return Ok(());
    }
    let first: Vec<String> = problems.iter().take(3).map(|p| p.message.clone()).collect();
    let more = if problems.len() > 3 {
        format!(" 等 {} 个问题", problems.len())
    } else {
        String::new()
    };
    Err(Refusal::Invalid(format!("{}{more}", first.join("；"))))
}

/// Sends a failed product back to where its failed step starts and queues that step.
pub async fn retry(listing: &Listing, offer_id: &OfferId) -> Result<String, Refusal> {
    let offer_id = offer_id.as_str();
    let pool = listing.pool();
    let product = store::product(pool, offer_id)
        .await?
        .ok_or(Refusal::NotInPipeline)?;
    if product.state() != State::Error {
        return Err(Refusal::NotFailed(product.state()));
    }
    let step = product
        .failed_step
        .as_deref()
        .and_then(Step::parse)
        .unwrap_or(Step::Media);
    let back = step.span().0;
    store::transition(
        pool,
        offer_id,
        back,
        None,
        &format!("人工重试：从“{}”重新开始", step.label()),
    )
    .await?;
    let now = listing.now();
    let queue = match step {
        Step::Media => Queue::Media,
        Step::Import | Step::ImportResult => Queue::Import,
        Step::Price | Step::Stock | Step::Moderation => Queue::Commercial,
    };
    if step == Step::Stock {
        if let Some(saved) = drafts::store::find(pool, offer_id).await? {
            super::stocks::queue_draft(listing, &saved.draft, now).await?;
        }
    }
    queue::enqueue(pool, queue, offer_id, now).await?;
    listing.wake();
    Ok(format!("已重试：从“{}”重新开始", step.label()))
}
