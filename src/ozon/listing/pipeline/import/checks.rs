//! Before a batch goes out: cards Ozon already holds, sends that may have arrived before a crash, and the daily quota.

use super::*;

/// New cards whose offer_id Ozon already holds are not sent: `/v3/product/import` is create or
/// update, so sending one would overwrite a card this pipeline never made. They go to review
/// with the reason; the rest are answered back to be sent.
pub(super) async fn taken_elsewhere(
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
            l.fail_all(&fresh, Step::Import, &e.into()).await?;
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
pub(super) async fn look_up(
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
            l.fail_all(&looked, Step::Import, &e.into()).await?;
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
pub(super) async fn quota(
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
    crate::common::metrics::metrics()
        .quota_left
        .get_or_create(&crate::common::metrics::AccountLabels {
            platform: "ozon".into(),
            account: creds.client_id.clone(),
        })
        .set(limit - usage);
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
