//! Import step: new cards through `/v3/product/import` (following by barcode is the same call
//! with only the required attributes), copies through `/v1/product/import-by-sku`, at most 100
//! per request, after `/v4/product/info/limit` says the daily quota allows them. The intent is
//! recorded before a request goes out; a product whose intent is still set (a crash or a timeout
//! in between) is looked up on Ozon first, so no card is ever imported twice.

use std::collections::BTreeMap;

use serde_json::json;

use super::media::load;
use super::queue::{self, Job, Queue};
use super::receipts;
use super::state::{State, Step};
use super::store::{self, Product};
use super::worker::{Failure, Listing};
use crate::ozon::client::products::{ImportBySkuRequest, ImportRequest, ProductInfoRequest};
use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::{cache, Draft, DraftMode};

/// Ozon takes at most 100 cards per import request.
pub const BATCH: i64 = 100;
/// Seconds between two looks at a pending import task.
pub const POLL_SECS: i64 = 3;

/// Jobs claimed together with their product rows.
type Batch = Vec<(Job, Product)>;

pub async fn run(l: &Listing, now: i64) -> sqlx::Result<bool> {
    let jobs = queue::claim_batch(l.pool(), Queue::Import, now, BATCH).await?;
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
            Err(f) => fail_all(l, &group, Step::Import, &f).await?,
        }
    }
    for ((credential_id, task), group) in poll {
        match l.credentials(credential_id).await {
            Ok(creds) => super::import_poll::poll(l, &creds, task, group, now).await?,
            Err(f) => fail_all(l, &group, Step::ImportResult, &f).await?,
        }
    }
    Ok(true)
}

pub async fn fail_all(
    l: &Listing,
    group: &[(Job, Product)],
    step: Step,
    failure: &Failure,
) -> sqlx::Result<()> {
    for (job, _) in group {
        l.fail(job, step, failure.clone()).await?;
    }
    Ok(())
}

async fn send_group(
    l: &Listing,
    creds: &OzonCredentials,
    group: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<()> {
    let (looked, fresh): (Vec<_>, Vec<_>) = group
        .into_iter()
        .partition(|(_, p)| p.import_intent.is_some());
    let fresh = taken_elsewhere(l, creds, fresh, now).await?;
    let mut fresh = fresh;
    fresh.extend(look_up(l, creds, looked, now).await?);
    if fresh.is_empty() {
        return Ok(());
    }
    let allowed = match quota(l, creds, now).await {
        Ok(allowed) => allowed,
        Err(failure) => return fail_all(l, &fresh, Step::Import, &failure).await,
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

/// New cards whose offer_id Ozon already holds are not sent: `/v3/product/import` is create or
/// update, so sending one would overwrite a card this pipeline never made. They go to review
/// with the reason; the rest are answered back to be sent.
async fn taken_elsewhere(
    l: &Listing,
    creds: &OzonCredentials,
    fresh: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<Vec<(Job, Product)>> {
    if fresh.is_empty() {
        return Ok(fresh);
    }
    let request = ProductInfoRequest {
        offer_id: fresh.iter().map(|(j, _)| j.offer_id.clone()).collect(),
        ..Default::default()
    };
    let info = match l.ozon().product_info(creds, &request).await {
        Ok(info) => info,
        Err(e) => {
            fail_all(l, &fresh, Step::Import, &e.into()).await?;
            return Ok(Vec::new());
        }
    };
    let mut send = Vec::new();
    for (job, p) in fresh {
        match info.items.iter().find(|i| i.offer_id == job.offer_id) {
            // An offer Ozon lists without a card (an earlier import of ours failed validation)
            // is ours to send again.
            Some(found) if p.product_id.is_none() && found.statuses.is_created => {
                let why = format!(
                    "Ozon 上已有货号 {} 的商品卡片（product_id {}），提交会覆盖它（Ozon 的导入是新建或覆盖）。请换一个货号，或确认后在 Ozon 后台处理",
                    job.offer_id,
                    found.id.unwrap_or(0)
                );
                let request = json!({"offer_id": [job.offer_id]});
                let answer = json!({"id": found.id, "offer_id": found.offer_id});
                receipts::import(
                    l.pool(),
                    &job.offer_id,
                    &request,
                    Some(&answer),
                    "failed",
                    Some(&why),
                    now,
                )
                .await?;
                l.fail(&job, Step::Import, Failure::Permanent(why)).await?;
            }
            _ => send.push((job, p)),
        }
    }
    Ok(send)
}

/// Products whose last send may have reached Ozon: a card found there is taken as submitted;
/// the others are answered back to be sent.
async fn look_up(
    l: &Listing,
    creds: &OzonCredentials,
    looked: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<Vec<(Job, Product)>> {
    if looked.is_empty() {
        return Ok(Vec::new());
    }
    let request = ProductInfoRequest {
        offer_id: looked.iter().map(|(j, _)| j.offer_id.clone()).collect(),
        ..Default::default()
    };
    let info = match l.ozon().product_info(creds, &request).await {
        Ok(info) => info,
        Err(e) => {
            fail_all(l, &looked, Step::Import, &e.into()).await?;
            return Ok(Vec::new());
        }
    };
    let mut resend = Vec::new();
    for (job, p) in looked {
        let Some(found) = info.items.iter().find(|i| i.offer_id == job.offer_id) else {
            resend.push((job, p));
            continue;
        };
        let pool = l.pool();
        store::set_card(pool, &job.offer_id, found.id, found.sku).await?;
        store::set_submitted(pool, &job.offer_id, None, &found.images).await?;
        let note = "上次提交后程序中断；已在 Ozon 上找到这个商品，不再重复提交";
        let request = json!({"offer_id": [job.offer_id]});
        let answer = json!({"id": found.id, "offer_id": found.offer_id, "sku": found.sku});
        receipts::import(
            pool,
            &job.offer_id,
            &request,
            Some(&answer),
            "found",
            Some(note),
            now,
        )
        .await?;
        queue::finish(pool, job.id).await?;
        if l.advance(&job.offer_id, State::ImportSubmitted, note)
            .await?
        {
            queue::enqueue(pool, Queue::Import, &job.offer_id, now).await?;
        }
    }
    Ok(resend)
}

/// How many cards the daily quota still allows (None: no limit), with when it resets and why
/// the rest wait.
async fn quota(
    l: &Listing,
    creds: &OzonCredentials,
    now: i64,
) -> Result<Option<(i64, i64, String)>, Failure> {
    let limits = l.ozon().product_limit(creds).await?;
    let quota = limits.daily_create;
    let Some(limit) = quota.limit.filter(|n| *n >= 0) else {
        return Ok(None);
    };
    let usage = quota.usage.unwrap_or(0);
    let reset = time::OffsetDateTime::parse(
        &quota.reset_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|t| t.unix_timestamp())
    .unwrap_or(now + 3600)
    .max(now + 1);
    let why = format!(
        "Ozon 今日新建商品额度不足（已用 {usage}/{limit}），其余商品将在 {} 额度重置后自动提交",
        crate::ui::time::format_timestamp(reset)
    );
    Ok(Some(((limit - usage).max(0), reset, why)))
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
