//! The publish job. The promotion row is the job: `scheduled` rows whose time has come move to
//! `publishing`, and each step stores its result before the next one starts —
//! upload (`video_id`, or `upload_id` + parts done; `image_ids` one by one), the intent to create
//! (`create_sent_at`, written before `create_video`/`create_image_text` is sent), then `item_id`.
//! After a restart a row with an intent but no `item_id` is first looked up in the account's
//! `video_list`; only when the post is not there is it created again. So a crash at any point
//! leaves exactly one post. Busy/no-answer errors retry with backoff; anything else fails with
//! the platform's message.

use std::time::Duration;

use serde_json::{json, Value};

use super::service::Promotions;
use super::stop::Stop;
use super::store::{self, Record};
use super::upload::{open_id, upload};
use super::validate::at_users;
use crate::douyin::client::CallError;
use crate::platforms::hub::Hub;
use crate::platforms::tokens::{with_token, TokenError};
use crate::storage::MediaStore;

/// Backoff in (scaled) seconds after the n-th transient failure; then the promotion fails.
const BACKOFF: &[i64] = &[5, 15, 45, 180, 600];

/// The text Douyin gets: the body (with `#话题` and `@昵称` inline), or the title.
pub fn text_of(r: &Record) -> String {
    if r.body.trim().is_empty() {
        r.title.clone()
    } else {
        r.body.clone()
    }
}

/// The JSON `create_video` / `create_image_text` gets.
pub fn create_body(r: &Record, cover_url: Option<String>) -> sqlx::Result<Value> {
    let mut body = json!({
        "text": text_of(r),
        "at_users": at_users(&r.body, &r.mentions).unwrap_or_default(),
    });
    if let Some(video_id) = &r.video_id {
        body["video_id"] = json!(video_id);
        if let Some(url) = cover_url {
            body["custom_cover_image_url"] = json!(url);
        } else if let Some(tsp) = r.cover_tsp {
            body["cover_tsp"] = json!(tsp);
        }
    } else {
        let ids: Vec<String> = crate::common::json::column_or_default(
            &format!("promotions {} image_ids", r.id),
            r.image_ids.as_deref(),
        )?;
        body["image_list"] = json!(ids);
    }
    if !r.poi_id.is_empty() {
        body["poi_id"] = json!(r.poi_id);
    }
    if !r.micro_app_id.is_empty() {
        body["micro_app_id"] = json!(r.micro_app_id);
        body["micro_app_title"] = json!(r.micro_app_title);
        body["micro_app_url"] = json!(r.micro_app_url);
    }
    Ok(body)
}

/// After an intent without an answer: is the post on the account already? Looks through the
/// newest posts for one with our text made after the intent.
async fn look_up(hub: &Hub, r: &Record, open_id: &str, since: i64) -> Result<Option<String>, Stop> {
    let text = text_of(r);
    let c = &hub.content;
    let mut cursor = 0;
    for _ in 0..5 {
        let page = with_token(hub, r.account_id, |t| {
            let open_id = open_id.to_string();
            async move { c.video_list(&t, &open_id, cursor).await }
        })
        .await?;
        if let Some(item) = page
            .items
            .iter()
            .find(|i| i.title == text && i.create_time >= since - 300)
        {
            return Ok(Some(item.item_id.clone()));
        }
        if !page.has_more {
            break;
        }
        cursor = page.cursor;
    }
    Ok(None)
}

/// Marks `r` published: with the post's `item_id` (review pending), or without one for a live
/// preview that is only our own record.
async fn published(hub: &Hub, r: &Record, item_id: Option<&str>, how: &str) -> Result<(), Stop> {
    sqlx::query(
        "UPDATE promotions SET item_id = $1, state = 'published', published_at = $2, \
         review = CASE WHEN $1 IS NULL THEN '' ELSE 'reviewing' END, \
         error = '', next_try_at = NULL, updated_at = $2 WHERE id = $3",
    )
    .bind(item_id)
    .bind(crate::common::clock::now_unix())
    .bind(r.id)
    .execute(&hub.pool)
    .await?;
    store::event(&hub.pool, r.id, "published", how).await?;
    tracing::info!(promotion = r.id, "promotion published");
    Ok(())
}

/// Runs a `publishing` promotion as far as it goes.
async fn advance(hub: &Hub, media: &MediaStore, id: i64) -> Result<(), Stop> {
    let Some(mut r) = store::get(&hub.pool, id).await? else {
        return Ok(());
    };
    if r.state != "publishing" {
        return Ok(());
    }
    if let Some(item) = r.item_id.clone() {
        return published(hub, &r, Some(&item), "已发布").await;
    }
    let files = store::media(&hub.pool, id).await?;
    let has_post = files.iter().any(|m| m.role == "video" || m.role == "image");
    if r.kind == "live" && !has_post {
        let how = "已到开播时间。抖音没有直播预告的开放接口，本预告只记录在 ShopBridge 中";
        return published(hub, &r, None, how).await;
    }
    // The account is read once for every call of this run.
    let open_id = open_id(hub, &r).await?;
    if let Some(since) = r.create_sent_at {
        if let Some(item) = look_up(hub, &r, &open_id, since).await? {
            let how = "重启后在抖音找到了已发布的内容，未重复发布";
            return published(hub, &r, Some(&item), how).await;
        }
    }
    upload(hub, media, &mut r, &files, &open_id).await?;
    let cover = files
        .iter()
        .find(|m| m.role == "cover")
        .map(|m| media.public_url(&m.object_key));
    let body = create_body(&r, cover)?;
    // Wall-clock time, as Douyin stamps its posts.
    sqlx::query("UPDATE promotions SET create_sent_at = $1 WHERE id = $2")
        .bind(crate::common::clock::now_unix())
        .bind(id)
        .execute(&hub.pool)
        .await?;
    let c = &hub.content;
    let image_text = r.video_id.is_none();
    let result = with_token(hub, r.account_id, |t| {
        let (open_id, body) = (open_id.clone(), body.clone());
        async move { c.create(&t, &open_id, image_text, &body).await }
    })
    .await;
    match result {
        Ok(item) => published(hub, &r, Some(&item), "抖音已接收，等待审核").await,
        // The platform said no: nothing was posted, so the intent is void.
        Err(TokenError::Platform(CallError::Douyin(e))) if !e.transient() => {
            store::clear_create_intent(&hub.pool, id).await?;
            Err(Stop::Fail(e.message()))
        }
        Err(e) => Err(e.into()),
    }
}

async fn fail(hub: &Hub, id: i64, why: &str) -> sqlx::Result<()> {
    let title: Option<String> = sqlx::query_scalar(
        "UPDATE promotions SET state = 'failed', error = $1, next_try_at = NULL, updated_at = $2 \
         WHERE id = $3 AND state = 'publishing' RETURNING title",
    )
    .bind(why)
    .bind(crate::common::clock::now_unix())
    .bind(id)
    .fetch_optional(&hub.pool)
    .await?;
    let Some(title) = title else {
        return Ok(()); // no longer publishing: nothing to report
    };
    store::event(&hub.pool, id, "failed", why).await?;
    let subject = format!("推广「{title}」");
    hub.alerts
        .raise(
            &hub.pool,
            "promotion_failed",
            &subject,
            &format!("{subject}发布失败：{why}"),
            crate::common::clock::now_unix(),
        )
        .await
}

/// One step run of a promotion, with its failure handled.
pub async fn run_one(p: &Promotions, id: i64) {
    let Some(_claim) = p.claim(id) else {
        return;
    };
    let hub = p.hub();
    // Nodes sharing a database: one publishes it, the others pass it by.
    let lease = format!("promotion:{id}");
    let _held = match crate::common::lease::hold(&hub.pool, &lease, crate::common::lease::TTL).await
    {
        Ok(Some(held)) => held,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(promotion = id, error = %e, "promotion lease not taken");
            return;
        }
    };
    let outcome = advance(hub, p.media(), id).await;
    let stored = match outcome {
        Ok(()) => Ok(()),
        Err(Stop::Fail(why)) => fail(hub, id, &why).await,
        Err(Stop::Later(why)) => later(hub, id, &why).await,
    };
    if let Err(e) = stored {
        tracing::error!(promotion = id, error = %e, "promotion outcome not stored");
    }
}

async fn later(hub: &Hub, id: i64, why: &str) -> sqlx::Result<()> {
    let attempts: i64 = sqlx::query_scalar(
        "UPDATE promotions SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
    )
    .bind(id)
    .fetch_one(&hub.pool)
    .await?;
    let Some(wait) = BACKOFF.get(attempts as usize - 1) else {
        return fail(hub, id, &format!("多次重试仍未成功：{why}")).await;
    };
    sqlx::query("UPDATE promotions SET next_try_at = $1, error = $2 WHERE id = $3")
        .bind(hub.clock.now() + wait)
        .bind(format!("将在 {wait} 秒后重试：{why}"))
        .bind(id)
        .execute(&hub.pool)
        .await?;
    store::event(
        &hub.pool,
        id,
        "publishing",
        &format!("第 {attempts} 次未成功，{wait} 秒后重试：{why}"),
    )
    .await
}

/// Moves due promotions to `publishing` and advances every one that is not waiting.
pub async fn tick(p: &Promotions) -> sqlx::Result<()> {
    let hub = p.hub();
    let now = hub.clock.now();
    let due: Vec<i64> = sqlx::query_scalar(
        "UPDATE promotions SET state = 'publishing', updated_at = $1 \
         WHERE state = 'scheduled' AND COALESCE(publish_at, 0) <= $2 RETURNING id",
    )
    .bind(crate::common::clock::now_unix())
    .bind(now)
    .fetch_all(&hub.pool)
    .await?;
    for id in due {
        store::event(&hub.pool, id, "publishing", "到达发布时间，开始发布").await?;
    }
    let ready: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM promotions WHERE state = 'publishing' \
         AND (next_try_at IS NULL OR next_try_at <= $1) ORDER BY id",
    )
    .bind(now)
    .fetch_all(&hub.pool)
    .await?;
    for id in ready {
        run_one(p, id).await;
    }
    Ok(())
}

/// Runs until aborted: a pass every (scaled) 30 seconds, at most 2 s apart, or when woken;
/// read-back of review states and statistics every (scaled) 10 minutes.
pub async fn run(p: Promotions) {
    let hub = p.hub();
    let every = hub
        .clock
        .real(30)
        .clamp(Duration::from_millis(50), Duration::from_secs(2));
    let mut last_readback = 0;
    loop {
        if let Err(e) = tick(&p).await {
            tracing::warn!(error = %e, "publish pass failed");
        }
        if hub.clock.now() - last_readback >= 600 {
            last_readback = hub.clock.now();
            // One node reads back for everyone.
            match crate::common::lease::hold(
                &hub.pool,
                "promotions:read-back",
                crate::common::lease::TTL,
            )
            .await
            {
                Ok(Some(held)) => {
                    if let Err(e) = p.read_back().await {
                        tracing::warn!(error = %e, "promotion read-back failed");
                    }
                    held.release().await;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "read-back lease not taken"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = p.woken() => {}
        }
    }
}
