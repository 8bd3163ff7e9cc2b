//! Import step: new cards through `/v3/product/import` (following by barcode is the same call
//! with only the required attributes), copies through `/v1/product/import-by-sku`, at most 100
//! per request, after `/v4/product/info/limit` says the daily quota allows them. The intent is
//! recorded before a request goes out; a product whose intent is still set (a crash or a timeout
//! in between) is looked up on Ozon first, so no card is ever imported twice.

use std::collections::BTreeMap;

use serde_json::json;

use super::listing::{Failure, Listing};
use super::media::load;
use super::queue::{self, Job, Queue};
use super::receipts;
use super::state::{State, Step};
use super::store::{self, Product};
use crate::ozon::client::products::{ImportBySkuRequest, ImportRequest, ProductInfoRequest};
use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::{catalog::cache, Draft, DraftMode};

mod checks;
mod poll;
use checks::{look_up, quota, taken_elsewhere};

/// Seconds between two looks at a pending import task.
pub const POLL_SECS: i64 = 3;

/// Jobs claimed together with their product rows.
type Batch = Vec<(Job, Product)>;

pub async fn run(l: &Listing, now: i64) -> sqlx::Result<bool> {
    let jobs = queue::claim_batch(l.pool(), Queue::Import, now, Queue::Import.batch()).await?;
    if jobs.is_empty() {
        return Ok(false);
    }
    let mut send: BTreeMap<i64, Batch> = BTreeMap::new();
    let mut poll: BTreeMap<(i64, Option<i64>), Batch> = BTreeMap::new();
    for job in jobs {
        match store::product(l.pool(), &job.offer_id).await? {
            Some(p) if p.state() == State::MediaReady => {
                send.entry(p.credential_id).or_default().push((job, p))
            }
            Some(p) if p.state() == State::ImportSubmitted => poll
                .entry((p.credential_id, p.task_id))
                .or_default()
                .push((job, p)),
            _ => queue::finish(l.pool(), job.id).await?,
        }
    }
    for (credential_id, group) in send {
        match l.credentials(credential_id).await {
            Ok(creds) => send_group(l, &creds, group, now).await?,
            Err(f) => l.fail_all(&group, Step::Import, &f).await?,
        }
    }
    for ((credential_id, task), group) in poll {
        match l.credentials(credential_id).await {
            Ok(creds) => poll::poll(l, &creds, task, group, now).await?,
            Err(f) => l.fail_all(&group, Step::ImportResult, &f).await?,
        }
    }
    Ok(true)
}

async fn send_group(
    l: &Listing,
    creds: &OzonCredentials,
    group: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<()> {
    // Looked up first: a send whose answer may not have come (the intent is still set), and a
    // send whose task id was stored but whose move to ImportSubmitted was not (a crash in
    // between): the card Ozon holds is then ours, not one made elsewhere.
    let (looked, fresh): (Vec<_>, Vec<_>) = group
        .into_iter()
        .partition(|(_, p)| p.import_intent.is_some() || p.task_id.is_some());
    let fresh = taken_elsewhere(l, creds, fresh, now).await?;
    let mut fresh = fresh;
    fresh.extend(look_up(l, creds, looked, now).await?);
    if fresh.is_empty() {
        return Ok(());
    }
    let allowed = match quota(l, creds, now).await {
        Ok(allowed) => allowed,
        Err(failure) => return l.fail_all(&fresh, Step::Import, &failure).await,
    };
    if let Some((count, until, why)) = allowed.filter(|(n, _, _)| (*n as usize) < fresh.len()) {
        for (job, _) in fresh.split_off(count as usize) {
            let why = why.clone();
            l.fail(&job, Step::Import, Failure::Wait { until, why })
                .await?;
        }
        l.alerts()
            .raise(l.pool(), "quota", &creds.client_id, &why, now)
            .await?;
    }
    let mut new = Vec::new();
    let mut copies = Vec::new();
    for (job, p) in fresh {
        match load(l, &job.offer_id).await {
            Ok((_, draft)) if draft.mode == DraftMode::FollowSku => copies.push((job, p, draft)),
            Ok((_, draft)) => new.push((job, p, draft)),
            Err(f) => l.fail(&job, Step::Import, f).await?,
        }
    }
    for (_, p, _) in new.iter().chain(copies.iter()) {
        store::set_intent(l.pool(), &p.offer_id, Some(now)).await?;
    }
    if !new.is_empty() {
        send_new(l, creds, new, now).await?;
    }
    if !copies.is_empty() {
        send_copies(l, creds, copies, now).await?;
    }
    Ok(())
}

async fn send_new(
    l: &Listing,
    creds: &OzonCredentials,
    new: Vec<(Job, Product, Draft)>,
    now: i64,
) -> sqlx::Result<()> {
    let mut items = Vec::new();
    for (_, p, draft) in &new {
        let specs = match (draft.mode, draft.description_category_id, draft.type_id) {
            (DraftMode::FollowBarcode, Some(c), Some(t)) => {
                cache::attributes(l.pool(), l.ozon(), p.credential_id, creds, c, t)
                    .await
                    .unwrap_or_default()
            }
            _ => Vec::new(),
        };
        items.push(super::payload::import_item(draft, &specs));
    }
    let request = ImportRequest { items };
    let answer = l.ozon().import_products(creds, &request).await;
    for ((job, _, draft), item) in new.iter().zip(&request.items) {
        let item = serde_json::to_value(item).unwrap_or_default();
        match &answer {
            Ok(res) => match res.result.task_id {
                Some(task) => {
                    let answer = json!({"result": {"task_id": task}});
                    submitted(l, job, draft, task, &item, &answer, now).await?
                }
                None => {
                    let f = Failure::Transient("Ozon 没有返回导入任务号".into());
                    not_sent(l, job, &item, f, now).await?
                }
            },
            Err(e) => not_sent(l, job, &item, e.clone().into(), now).await?,
        }
    }
    Ok(())
}

async fn send_copies(
    l: &Listing,
    creds: &OzonCredentials,
    copies: Vec<(Job, Product, Draft)>,
    now: i64,
) -> sqlx::Result<()> {
    let items: Vec<_> = copies
        .iter()
        .map(|(_, _, d)| super::payload::by_sku_item(d))
        .collect();
    let request = ImportBySkuRequest { items };
    let answer = l.ozon().import_by_sku(creds, &request).await;
    for ((job, _, draft), item) in copies.iter().zip(&request.items) {
        let value = serde_json::to_value(item).unwrap_or_default();
        match &answer {
            Ok(res) if res.result.unmatched_sku_list.contains(&item.sku) => {
                store::set_intent(l.pool(), &job.offer_id, None).await?;
                let why = format!(
                    "Ozon 找不到 SKU {} 的商品，或该卖家不允许跟卖（unmatched_sku_list）。请核对 SKU；自己店铺的商品不能跟卖",
                    item.sku
                );
                let answer =
                    json!({"result": {"unmatched_sku_list": res.result.unmatched_sku_list}});
                receipts::import(
                    l.pool(),
                    &job.offer_id,
                    &value,
                    Some(&answer),
                    "failed",
                    Some(&why),
                    now,
                )
                .await?;
                l.fail(job, Step::Import, Failure::Permanent(why)).await?;
            }
            Ok(res) => match res.result.task_id {
                Some(task) => {
                    let answer = json!({"result": {"task_id": task}});
                    submitted(l, job, draft, task, &value, &answer, now).await?
                }
                None => {
                    let f = Failure::Transient("Ozon 没有返回导入任务号".into());
                    not_sent(l, job, &value, f, now).await?
                }
            },
            Err(e) => not_sent(l, job, &value, e.clone().into(), now).await?,
        }
    }
    Ok(())
}

async fn submitted(
    l: &Listing,
    job: &Job,
    draft: &Draft,
    task: i64,
    item: &serde_json::Value,
    answer: &serde_json::Value,
    now: i64,
) -> sqlx::Result<()> {
    let pool = l.pool();
    let images = if draft.mode == DraftMode::FollowSku {
        Vec::new()
    } else {
        draft.images.clone()
    };
    store::set_submitted(pool, &job.offer_id, Some(task), &images).await?;
    receipts::import(
        pool,
        &job.offer_id,
        item,
        Some(answer),
        "submitted",
        None,
        now,
    )
    .await?;
    queue::finish(pool, job.id).await?;
    let note = format!("已提交 Ozon，导入任务 {task}");
    if l.advance(&job.offer_id, State::ImportSubmitted, &note)
        .await?
    {
        queue::enqueue(pool, Queue::Import, &job.offer_id, now + POLL_SECS).await?;
    }
    Ok(())
}

/// The request failed. A refusal (4xx) means Ozon took nothing, so the intent is cleared; after
/// a timeout or 5xx it stays, and the next attempt looks the offer_id up first.
async fn not_sent(
    l: &Listing,
    job: &Job,
    item: &serde_json::Value,
    failure: Failure,
    now: i64,
) -> sqlx::Result<()> {
    let (state, why) = match &failure {
        Failure::Permanent(why) => {
            store::set_intent(l.pool(), &job.offer_id, None).await?;
            ("failed", why.clone())
        }
        Failure::Transient(why) => ("retry", why.clone()),
        Failure::Wait { why, .. } => ("waiting", why.clone()),
    };
    receipts::import(l.pool(), &job.offer_id, item, None, state, Some(&why), now).await?;
    l.fail(job, Step::Import, failure).await
}
