//! Commercial step: prices through `/v1/product/import/prices` (at most 1000 per request, never
//! more than 10 updates per product per hour), then the stock writes (see `stocks`), then the
//! moderation read-back that makes a ready card Live.

use std::collections::BTreeMap;

use super::listing::{Failure, Listing};
use super::media::load;
use super::messages::explain_all;
use super::pacing::{next_stock_due, price_slot};
use super::payload::price_item;
use super::queue::{self, Job, Queue};
use super::receipts::{self, PriceReceipt};
use super::state::{State, Step};
use super::store::{self, Product};
use crate::ozon::client::commerce::PricesRequest;
use crate::ozon::client::products::ProductInfoRequest;
use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::Draft;

/// How long after a card is ready its moderation is read again.
pub const MODERATION_SECS: i64 = 600;

type Group = Vec<(Job, Product, Draft)>;

pub async fn run(l: &Listing, now: i64) -> sqlx::Result<bool> {
    let jobs =
        queue::claim_batch(l.pool(), Queue::Commercial, now, Queue::Commercial.batch()).await?;
    if jobs.is_empty() {
        return Ok(false);
    }
    let mut prices: BTreeMap<i64, Group> = BTreeMap::new();
    let mut moderation: BTreeMap<i64, Group> = BTreeMap::new();
    for job in jobs {
        let (p, draft) = match load(l, &job.offer_id).await {
            Ok(found) => found,
            Err(f) => {
                l.fail(&job, Step::Price, f).await?;
                continue;
            }
        };
        let state = p.state();
        let changed = state == State::Created || price_changed(l, &draft).await?;
        if changed
            && matches!(
                state,
                State::Created | State::Priced | State::ReadyForSale | State::Live
            )
        {
            let slot = price_slot(l.pool(), &job.offer_id, now).await?;
            if slot > now {
                let why = "Ozon 规定每个商品每小时最多改价 10 次，到时自动发送".to_string();
                l.fail(&job, Step::Price, Failure::Wait { until: slot, why })
                    .await?;
            } else {
                prices
                    .entry(p.credential_id)
                    .or_default()
                    .push((job, p, draft));
            }
            continue;
        }
        match state {
            State::Priced => stocks_done(l, &job, &draft, now).await?,
            State::ReadyForSale => moderation
                .entry(p.credential_id)
                .or_default()
                .push((job, p, draft)),
            _ => queue::finish(l.pool(), job.id).await?,
        }
    }
    for (credential_id, group) in prices {
        match l.credentials(credential_id).await {
            Ok(creds) => send_prices(l, &creds, group, now).await?,
            Err(f) => fail_group(l, &group, Step::Price, &f).await?,
        }
    }
    for (credential_id, group) in moderation {
        match l.credentials(credential_id).await {
            Ok(creds) => moderate(l, &creds, group, now).await?,
            Err(f) => fail_group(l, &group, Step::Moderation, &f).await?,
        }
    }
    Ok(true)
}

async fn fail_group(l: &Listing, group: &Group, step: Step, f: &Failure) -> sqlx::Result<()> {
    for (job, _, _) in group {
        l.fail(job, step, f.clone()).await?;
    }
    Ok(())
}

/// Whether the draft's price differs from the last one Ozon accepted.
async fn price_changed(l: &Listing, draft: &Draft) -> sqlx::Result<bool> {
    let item = price_item(draft);
    let last = receipts::last_price(l.pool(), &draft.offer_id).await?;
    Ok(last.is_none_or(|(price, old)| price != item.price || old != item.old_price))
}

async fn send_prices(
    l: &Listing,
    creds: &OzonCredentials,
    group: Group,
    now: i64,
) -> sqlx::Result<()> {
    let pool = l.pool();
    let request = PricesRequest {
        prices: group.iter().map(|(_, _, d)| price_item(d)).collect(),
    };
    let answer = l.ozon().import_prices(creds, &request).await;
    for ((job, p, draft), item) in group.iter().zip(&request.prices) {
        let receipt = PriceReceipt {
            offer_id: &item.offer_id,
            currency: &item.currency_code,
            price: &item.price,
            old_price: &item.old_price,
        };
        let result = match &answer {
            Ok(res) => res.result.iter().find(|r| r.offer_id == item.offer_id),
            Err(e) => {
                let f = Failure::from(e.clone());
                let state = if matches!(f, Failure::Transient(_)) {
                    "retry"
                } else {
                    "failed"
                };
                receipts::price(pool, &receipt, state, Some(&e.to_string()), now).await?;
                l.fail(job, Step::Price, f).await?;
                continue;
            }
        };
        match result {
            Some(r) if r.updated && r.errors.is_empty() => {
                receipts::price(pool, &receipt, "accepted", None, now).await?;
                priced(l, job, p, draft, now).await?;
            }
            Some(r) if r.errors.iter().any(|e| e.code == "TOO_MANY_REQUESTS") => {
                let why = explain_all(&r.errors);
                receipts::price(pool, &receipt, "deferred", Some(&why), now).await?;
                l.fail(
                    job,
                    Step::Price,
                    Failure::Wait {
                        until: now + 360,
                        why,
                    },
                )
                .await?;
            }
            Some(r) => {
                let why = explain_all(&r.errors);
                receipts::price(pool, &receipt, "failed", Some(&why), now).await?;
                l.fail(job, Step::Price, Failure::Permanent(why)).await?;
            }
            None => {
                let why = "Ozon 的回复里没有这个货号".to_string();
                receipts::price(pool, &receipt, "retry", Some(&why), now).await?;
                l.fail(job, Step::Price, Failure::Transient(why)).await?;
            }
        }
    }
    Ok(())
}

/// The price is in: a new card moves to Priced and queues its stocks; a live card stays.
async fn priced(l: &Listing, job: &Job, p: &Product, draft: &Draft, now: i64) -> sqlx::Result<()> {
    let pool = l.pool();
    queue::finish(pool, job.id).await?;
    match p.state() {
        State::Created => {}
        State::Priced => {
            queue::enqueue(pool, Queue::Commercial, &job.offer_id, now).await?;
            return Ok(());
        }
        State::ReadyForSale => {
            queue::enqueue(
                pool,
                Queue::Commercial,
                &job.offer_id,
                now + MODERATION_SECS,
            )
            .await?;
            return Ok(());
        }
        _ => return Ok(()),
    }
    let note = format!(
        "价格已生效：{} {}",
        draft.price.trim(),
        draft.currency_code.trim()
    );
    if l.advance(&job.offer_id, State::Priced, &note).await? {
        super::stocks::queue_draft(l, draft, now).await?;
        queue::enqueue(pool, Queue::Commercial, &job.offer_id, now).await?;
    }
    Ok(())
}

/// A priced product: ready once every warehouse's latest write was accepted; waits while
/// writes are queued; a refused write sends it to review.
async fn stocks_done(l: &Listing, job: &Job, draft: &Draft, now: i64) -> sqlx::Result<()> {
    let pool = l.pool();
    if let Some(due) = next_stock_due(pool, &job.offer_id).await? {
        let why = "库存写入排队中（同一商品同一仓库每 30 秒最多一次）".to_string();
        return l
            .fail(
                job,
                Step::Stock,
                Failure::Wait {
                    until: due.max(now) + 1,
                    why,
                },
            )
            .await;
    }
    let latest = super::stocks::latest(pool, &job.offer_id).await?;
    let mut requeue = false;
    for s in &draft.stocks {
        match latest.iter().find(|(w, _, _)| *w == s.warehouse_id) {
            Some((_, state, _)) if state == "accepted" => {}
            Some((w, state, reason)) if state == "failed" => {
                let why = format!("仓库 {w}：{}", reason.clone().unwrap_or_default());
                return l.fail(job, Step::Stock, Failure::Permanent(why)).await;
            }
            _ => requeue = true,
        }
    }
    if requeue {
        // A write taken but never answered (a crash in between): queue the draft's stocks again.
        super::stocks::queue_draft(l, draft, now).await?;
        let why = "库存写入排队中".to_string();
        return l
            .fail(
                job,
                Step::Stock,
                Failure::Wait {
                    until: now + 1,
                    why,
                },
            )
            .await;
    }
    queue::finish(pool, job.id).await?;
    let note = if draft.stocks.is_empty() {
        "未设置库存".to_string()
    } else {
        format!("库存已生效（{} 个仓库）", draft.stocks.len())
    };
    if l.advance(&job.offer_id, State::ReadyForSale, &note).await? {
        queue::enqueue(
            pool,
            Queue::Commercial,
            &job.offer_id,
            now + MODERATION_SECS,
        )
        .await?;
    }
    Ok(())
}

/// Reads moderation from `/v3/product/info/list`: approved → Live, declined → review.
async fn moderate(
    l: &Listing,
    creds: &OzonCredentials,
    group: Group,
    now: i64,
) -> sqlx::Result<()> {
    let request = ProductInfoRequest {
        offer_id: group.iter().map(|(j, _, _)| j.offer_id.clone()).collect(),
        ..Default::default()
    };
    let info = match l.ozon().product_info(creds, &request).await {
        Ok(info) => info,
        Err(e) => return fail_group(l, &group, Step::Moderation, &e.into()).await,
    };
    for (job, _, _) in &group {
        let found = info.items.iter().find(|i| i.offer_id == job.offer_id);
        let status = found
            .map(|i| i.statuses.moderate_status.as_str())
            .unwrap_or("");
        match (found, status) {
            (Some(item), "approved") => {
                store::set_card(l.pool(), &job.offer_id, item.id, item.sku).await?;
                queue::finish(l.pool(), job.id).await?;
                l.advance(&job.offer_id, State::Live, "审核通过，已上线")
                    .await?;
            }
            (Some(item), "declined" | "rejected") => {
                let mut why = format!("Ozon 审核未通过（{status}）");
                if !item.statuses.status_failed.is_empty() {
                    why.push_str(&format!("：{}", item.statuses.status_failed));
                }
                if !item.errors.is_empty() {
                    why.push_str(&format!("：{}", explain_all(&item.errors)));
                }
                l.fail(job, Step::Moderation, Failure::Permanent(why))
                    .await?;
            }
            _ => {
                let why = "等待 Ozon 审核".to_string();
                l.fail(
                    job,
                    Step::Moderation,
                    Failure::Wait {
                        until: now + MODERATION_SECS,
                        why,
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}
