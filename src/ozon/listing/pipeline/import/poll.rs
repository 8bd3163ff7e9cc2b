//! Import results: `/v1/product/import/info` polled until each item is `imported`, `failed` or
//! `skipped`; a card found by a lookup (no task) is read from `/v3/product/info/list`.

use serde_json::json;

use super::super::listing::{Failure, Listing};
use super::super::messages::explain_all;
use super::super::queue::{self, Job, Queue};
use super::super::receipts;
use super::super::state::{State, Step};
use super::super::store::{self, Product};
use super::POLL_SECS;
use crate::ozon::client::products::{ImportInfoRequest, ProductInfoRequest};
use crate::ozon::client::OzonCredentials;

pub async fn poll(
    l: &Listing,
    creds: &OzonCredentials,
    task: Option<i64>,
    group: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<()> {
    let Some(task_id) = task else {
        return look_up(l, creds, group, now).await;
    };
    let info = match l
        .ozon()
        .import_info(creds, &ImportInfoRequest { task_id })
        .await
    {
        Ok(info) => info.result,
        Err(e) => return l.fail_all(&group, Step::ImportResult, &e.into()).await,
    };
    let request = json!({"task_id": task_id});
    for (job, _) in group {
        let Some(item) = info.items.iter().find(|i| i.offer_id == job.offer_id) else {
            let why = if info.items.is_empty() {
                "Ozon 没有返回导入结果，请检查类目和增值税（VAT）设置"
            } else {
                "Ozon 的导入结果里没有这个货号"
            };
            receipts::import(
                l.pool(),
                &job.offer_id,
                &request,
                None,
                "failed",
                Some(why),
                now,
            )
            .await?;
            l.fail(&job, Step::Import, Failure::Permanent(why.into()))
                .await?;
            continue;
        };
        let answer = serde_json::to_value(item).unwrap_or_default();
        match item.status.as_str() {
            "imported" | "skipped" if item.product_id.is_some_and(|id| id > 0) => {
                let note = format!("Ozon 已建卡（product_id {}）", item.product_id.unwrap_or(0));
                receipts::import(
                    l.pool(),
                    &job.offer_id,
                    &request,
                    Some(&answer),
                    "imported",
                    None,
                    now,
                )
                .await?;
                created(l, &job, item.product_id, None, &note, now).await?;
            }
            "failed" => {
                let why = explain_all(&item.errors);
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
            _ => {
                let wait = Failure::Wait {
                    until: now + POLL_SECS,
                    why: format!("Ozon 正在处理导入任务 {task_id}"),
                };
                l.fail(&job, Step::ImportResult, wait).await?;
            }
        }
    }
    Ok(())
}

async fn look_up(
    l: &Listing,
    creds: &OzonCredentials,
    group: Vec<(Job, Product)>,
    now: i64,
) -> sqlx::Result<()> {
    let request = ProductInfoRequest {
        offer_id: group.iter().map(|(j, _)| j.offer_id.clone()).collect(),
        ..Default::default()
    };
    let info = match l.ozon().product_info(creds, &request).await {
        Ok(info) => info,
        Err(e) => return l.fail_all(&group, Step::ImportResult, &e.into()).await,
    };
    for (job, p) in group {
        // Created is what Ozon says (`is_created`), never the mere presence of an id: a card
        // whose import failed validation is listed too, with its errors.
        match info.items.iter().find(|i| i.offer_id == job.offer_id) {
            Some(found) if found.statuses.is_created => {
                let note = "Ozon 上的卡片已创建";
                created(l, &job, found.id.or(p.product_id), found.sku, note, now).await?;
            }
            Some(found) if found.errors.iter().any(|e| e.blocks()) => {
                let blocking: Vec<_> = found
                    .errors
                    .iter()
                    .filter(|e| e.blocks())
                    .cloned()
                    .collect();
                let why = explain_all(&blocking);
                let answer = serde_json::to_value(found).unwrap_or_default();
                let request = json!({"offer_id": [job.offer_id]});
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
                store::set_intent(l.pool(), &job.offer_id, None).await?;
                l.fail(&job, Step::Import, Failure::Permanent(why)).await?;
            }
            Some(_) => {
                let wait = Failure::Wait {
                    until: now + POLL_SECS,
                    why: "Ozon 正在创建卡片（is_created 仍为 false）".into(),
                };
                l.fail(&job, Step::ImportResult, wait).await?;
            }
            None => {
                let why = "在 Ozon 上找不到这个商品，请重试提交";
                l.fail(&job, Step::Import, Failure::Permanent(why.into()))
                    .await?;
            }
        }
    }
    Ok(())
}

async fn created(
    l: &Listing,
    job: &Job,
    product_id: Option<i64>,
    sku: Option<i64>,
    note: &str,
    now: i64,
) -> sqlx::Result<()> {
    let pool = l.pool();
    store::set_card(pool, &job.offer_id, product_id, sku).await?;
    queue::finish(pool, job.id).await?;
    if l.advance(&job.offer_id, State::Created, note).await? {
        queue::enqueue(pool, Queue::Commercial, &job.offer_id, now).await?;
    }
    Ok(())
}
