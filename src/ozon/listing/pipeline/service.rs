//! The pipeline's door for the pages: submit drafts (validated first), retry failed products.

use std::collections::HashMap;

use super::listing::Listing;
use super::queue::{self, Queue};
pub use super::service_types::Outcome;
use super::state::{State, Step};
use super::store;
use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::validate::{validate, CatalogFacts};
use crate::ozon::listing::{drafts, Draft};
use crate::server::state::AppState;

/// Products one submit takes.
pub const MAX_SUBMIT: usize = 1000;

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
pub async fn submit(state: &AppState, offer_ids: &[String], by: &str) -> Vec<Outcome> {
    let mut opened = Opened::default();
    let mut checked = Vec::new();
    for offer_id in offer_ids.iter().take(MAX_SUBMIT) {
        let result = check_one(state, offer_id, &mut opened).await;
        checked.push((offer_id, result));
    }
    let passed: Vec<(&str, i64)> = checked
        .iter()
        .filter_map(|(id, r)| r.as_ref().ok().map(|c| (id.as_str(), *c)))
        .collect();
    let admitted = admit_all(state, &passed, by).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "listing submit failed");
        HashMap::new()
    });
    let mut done = Vec::new();
    for (offer_id, result) in checked {
        let result = match (result, admitted.get(offer_id.as_str())) {
            (Err(message), _) => Err(message),
            (Ok(_), None) => Err("数据库错误".to_string()),
            (Ok(_), Some(State::Error)) => retry(&state.listing, offer_id).await,
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
    state.listing.wake();
    done
}

/// Reads and checks one draft: its credential, or why it is refused.
async fn check_one(state: &AppState, offer_id: &str, opened: &mut Opened) -> Result<i64, String> {
    let saved = state
        .drafts
        .find(offer_id)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "listing submit failed");
            "数据库错误".to_string()
        })?
        .ok_or("草稿不存在")?;
    let (credential_id, draft) = (saved.credential_id, saved.draft);
    if let Some(flag) = saved.flag {
        return Err(format!("{flag}（请打开草稿检查并保存后再提交）"));
    }
    check(state, credential_id, &draft, opened).await?;
    Ok(credential_id)
}

/// In one transaction: each product admitted (as Draft when new), marked with who submitted
/// it, and queued for the media step when it is new or has a card (an update). Answers each
/// product's state.
async fn admit_all(
    state: &AppState,
    passed: &[(&str, i64)],
    by: &str,
) -> sqlx::Result<HashMap<String, State>> {
    let now = state.listing.now();
    let mut tx = crate::server::db::begin_write(&state.pool).await?;
    let mut states = HashMap::new();
    for (offer_id, credential_id) in passed {
        store::admit(&mut *tx, offer_id, *credential_id).await?;
        let (current,): (String,) = sqlx::query_as(
            "UPDATE listing_products SET submitted_by = ? WHERE offer_id = ? RETURNING state",
        )
        .bind(by)
        .bind(offer_id)
        .fetch_one(&mut *tx)
        .await?;
        let current = State::parse(&current).unwrap_or(State::Draft);
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
    state: &AppState,
    credential_id: i64,
    draft: &Draft,
    opened: &mut Opened,
) -> Result<(), String> {
    let Opened { creds, facts } = opened;
    if let std::collections::hash_map::Entry::Vacant(e) = creds.entry(credential_id) {
        let opened =
            crate::vault::service::open_credential(&state.pool, &state.sealer, credential_id)
                .await
                .ok()
                .map(|(_, c)| c);
        e.insert(opened);
    }
    let Some(Some(c)) = creds.get(&credential_id) else {
        return Err("草稿使用的 Ozon 凭证已被删除".into());
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
            state
                .drafts
                .facts(credential_id, c, draft)
                .await
                .map_err(|e| format!("无法读取类目缓存：{e}"))?,
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
    Err(format!("草稿未通过检查：{}{more}", first.join("；")))
}

/// Sends a failed product back to where its failed step starts and queues that step.
pub async fn retry(listing: &Listing, offer_id: &str) -> Result<String, String> {
    let pool = listing.pool();
    let db = |e: sqlx::Error| {
        tracing::error!(error = %e, "listing retry failed");
        "数据库错误".to_string()
    };
    let product = store::product(pool, offer_id)
        .await
        .map_err(db)?
        .ok_or("商品不在上架流程中")?;
    if product.state() != State::Error {
        return Err(format!(
            "商品当前为“{}”，不需要重试",
            product.state().label()
        ));
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
    .await
    .map_err(|e| e.to_string())?;
    let now = listing.now();
    let queue = match step {
        Step::Media => Queue::Media,
        Step::Import | Step::ImportResult => Queue::Import,
        Step::Price | Step::Stock | Step::Moderation => Queue::Commercial,
    };
    if step == Step::Stock {
        if let Some(saved) = drafts::store::find(pool, offer_id).await.map_err(db)? {
            super::stocks::queue_draft(listing, &saved.draft, now)
                .await
                .map_err(db)?;
        }
    }
    queue::enqueue(pool, queue, offer_id, now)
        .await
        .map_err(db)?;
    listing.wake();
    Ok(format!("已重试：从“{}”重新开始", step.label()))
}
