//! SQL for promotions, their media and their timeline.

use sqlx::{AnyPool, FromRow};

pub mod media;

use super::validate::{self, MediaFacts};
use super::{PromotionForm, KINDS};
use crate::error::AppError;
use crate::ui::time::{format_timestamp, parse_datetime};

#[derive(Clone, Debug, FromRow)]
pub struct Record {
    pub id: i64,
    pub kind: String,
    pub account_id: i64,
    pub shop_row: Option<i64>,
    pub title: String,
    pub body: String,
    pub mentions: String,
    pub product_ids: String,
    pub cover_tsp: Option<f64>,
    pub poi_id: String,
    pub micro_app_id: String,
    pub micro_app_title: String,
    pub micro_app_url: String,
    pub room_id: String,
    pub publish_at: Option<i64>,
    pub state: String,
    pub video_id: Option<String>,
    pub upload_id: Option<String>,
    pub parts_done: i64,
    pub image_ids: Option<String>,
    pub create_sent_at: Option<i64>,
    pub item_id: Option<String>,
    pub attempts: i64,
    pub error: String,
    pub review: String,
    pub share_url: String,
    pub plays: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub confirmed_by: String,
}

#[derive(Clone, Debug, FromRow)]
pub struct Media {
    pub id: i64,
    pub role: String,
    pub object_key: String,
    pub file_name: String,
    pub size: i64,
    pub duration_ms: Option<i64>,
}

impl Media {
    pub fn facts(&self) -> MediaFacts {
        MediaFacts {
            role: self.role.clone(),
            size: self.size,
            duration_ms: self.duration_ms,
        }
    }
}

pub async fn get(pool: &AnyPool, id: i64) -> sqlx::Result<Option<Record>> {
    sqlx::query_as("SELECT * FROM promotions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn media(pool: &AnyPool, id: i64) -> sqlx::Result<Vec<Media>> {
    sqlx::query_as(
        "SELECT id, role, object_key, file_name, size, duration_ms FROM promotion_media \
         WHERE promotion_id = $1 ORDER BY role, position, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

/// Appends to the timeline.
pub async fn event(pool: &AnyPool, id: i64, state: &str, message: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO promotion_events (promotion_id, at, state, message) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(crate::common::clock::now_unix())
    .bind(state)
    .bind(message)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Moves `id` from one of `from` to `to`; false when it was in none of them.
pub async fn transition(
    pool: &AnyPool,
    id: i64,
    from: &[&str],
    to: &str,
    message: &str,
) -> sqlx::Result<bool> {
    let allowed = from.join(",");
    let done = sqlx::query(
        "UPDATE promotions SET state = $1, updated_at = $2 \
         WHERE id = $3 AND (',' || $4 || ',') LIKE ('%,' || state || ',%')",
    )
    .bind(to)
    .bind(crate::common::clock::now_unix())
    .bind(id)
    .bind(allowed)
    .execute(pool)
    .await?
    .rows_affected()
        == 1;
    if done {
        event(pool, id, to, message).await?;
    }
    Ok(done)
}

/// Is `account` a connected Douyin account?
pub async fn account_ok(pool: &AnyPool, account: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM platform_accounts WHERE id = $1 AND platform = 'douyin' \
         AND status != 'reauth'",
    )
    .bind(account)
    .fetch_one(pool)
    .await
    .map(|n| n == 1)
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::Invalid(message.into())
}

/// Checks what a draft may hold at all (readiness is [`validate::problems`]).
fn check_form(form: &PromotionForm) -> Result<(Option<i64>, Option<f64>, String), AppError> {
    if !KINDS.iter().any(|(k, _)| *k == form.kind) {
        return Err(invalid("请选择推广类型：短视频、图文或直播预告"));
    }
    if form.title.chars().count() > 200 || form.body.chars().count() > 5000 {
        return Err(invalid("标题最多 200 字、正文最多 5000 字"));
    }
    let long = [
        &form.mentions,
        &form.poi_id,
        &form.micro_app_id,
        &form.micro_app_title,
        &form.micro_app_url,
        &form.room_id,
        &form.product_ids,
    ];
    if long.iter().any(|f| f.chars().count() > 2000) {
        return Err(invalid("填写的内容过长"));
    }
    let publish_at = match form.publish_at.trim() {
        "" => None,
        text => Some(parse_datetime(text).ok_or_else(|| {
            invalid("发布时间格式应为 2026-12-01 20:00（北京时间），留空表示立即发布")
        })?),
    };
    let cover = match form.cover_tsp.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=900.0).contains(&v) => Some(v),
            _ => return Err(invalid("封面时间点应为 0–900 之间的秒数，例如 1.5")),
        },
    };
    let mut ids = Vec::new();
    for part in form
        .product_ids
        .split([',', '，', ' ', '\n'])
        .filter(|p| !p.trim().is_empty())
    {
        let id: i64 = part.trim().parse().map_err(|_| {
            invalid(format!(
                "关联商品应为商品编号，用逗号分隔：「{}」不是编号",
                part.trim()
            ))
        })?;
        ids.push(id.to_string());
    }
    Ok((publish_at, cover, ids.join(",")))
}

/// Saves a draft (new when `form.id` is 0); only drafts and failed promotions change.
pub async fn save(pool: &AnyPool, form: &PromotionForm, by: &str) -> Result<i64, AppError> {
    let (publish_at, cover, products) = check_form(form)?;
    let account: Option<String> =
        sqlx::query_scalar("SELECT platform FROM platform_accounts WHERE id = $1")
            .bind(form.account_id)
            .fetch_optional(pool)
            .await?;
    if account.as_deref() != Some("douyin") {
        return Err(invalid("请选择一个已连接的抖音账号"));
    }
    let shop = (form.shop_row > 0).then_some(form.shop_row);
    if let Some(shop) = shop {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shops WHERE id = $1")
            .bind(shop)
            .fetch_one(pool)
            .await?;
        if n == 0 {
            return Err(invalid("所选店铺不存在"));
        }
    }
    if !products.is_empty() {
        let wanted: std::collections::BTreeSet<i64> =
            products.split(',').filter_map(|p| p.parse().ok()).collect();
        let mut q = crate::server::db::Sql::new("SELECT COUNT(*) FROM shop_products WHERE id IN (");
        for (n, id) in wanted.iter().enumerate() {
            q.push(if n == 0 { "" } else { ", " }).push_bind(*id);
        }
        q.push(")");
        let known: i64 = q.query_scalar().fetch_one(pool).await?;
        if known as usize != wanted.len() {
            return Err(invalid("关联商品中有不存在的商品编号"));
        }
    }
    let now = crate::common::clock::now_unix();
    // A new draft is a blank row filled by the same UPDATE as an edit, in one transaction.
    let mut tx = pool.begin().await?;
    let id = if form.id == 0 {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO promotions (kind, account_id, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&form.kind)
        .bind(form.account_id)
        .bind(by)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        id
    } else {
        form.id
    };
    let changed = sqlx::query(
        "UPDATE promotions SET kind = $1, account_id = $2, shop_row = $3, title = $4, body = $5, \
         mentions = $6, product_ids = $7, cover_tsp = $8, poi_id = $9, micro_app_id = $10, \
         micro_app_title = $11, micro_app_url = $12, room_id = $13, publish_at = $14, updated_at = $15 \
         WHERE id = $16 AND state IN ('draft', 'failed')",
    )
    .bind(&form.kind)
    .bind(form.account_id)
    .bind(shop)
    .bind(form.title.trim())
    .bind(&form.body)
    .bind(&form.mentions)
    .bind(&products)
    .bind(cover)
    .bind(form.poi_id.trim())
    .bind(form.micro_app_id.trim())
    .bind(form.micro_app_title.trim())
    .bind(form.micro_app_url.trim())
    .bind(form.room_id.trim())
    .bind(publish_at)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(invalid(
            "只有草稿和发布失败的推广可以修改；已排期的请先取消排期",
        ));
    }
    tx.commit().await?;
    if form.id == 0 {
        event(pool, id, "draft", &format!("{by} 创建了草稿")).await?;
    }
    Ok(id)
}

/// The form a record fills.
pub fn form_of(r: &Record) -> PromotionForm {
    PromotionForm {
        id: r.id,
        kind: r.kind.clone(),
        account_id: r.account_id,
        shop_row: r.shop_row.unwrap_or(0),
        title: r.title.clone(),
        body: r.body.clone(),
        mentions: r.mentions.clone(),
        product_ids: r.product_ids.clone(),
        cover_tsp: r.cover_tsp.map(|v| v.to_string()).unwrap_or_default(),
        poi_id: r.poi_id.clone(),
        micro_app_id: r.micro_app_id.clone(),
        micro_app_title: r.micro_app_title.clone(),
        micro_app_url: r.micro_app_url.clone(),
        room_id: r.room_id.clone(),
        publish_at: r
            .publish_at
            .map(|t| format_timestamp(t)[..16].to_string())
            .unwrap_or_default(),
    }
}

/// Why `r` cannot be published yet.
pub async fn problems(pool: &AnyPool, r: &Record, now: i64) -> sqlx::Result<Vec<String>> {
    let facts: Vec<MediaFacts> = media(pool, r.id).await?.iter().map(Media::facts).collect();
    let ok = account_ok(pool, r.account_id).await?;
    Ok(validate::problems(
        &form_of(r),
        ok,
        &facts,
        r.publish_at,
        now,
    ))
}

/// Sets one of the publish job's columns (`column` is one of ours, never user input).
pub async fn set_column(
    pool: &AnyPool,
    id: i64,
    column: &str,
    value: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "UPDATE promotions SET {column} = $1, updated_at = $2 WHERE id = $3"
    ))
    .bind(value)
    .bind(crate::common::clock::now_unix())
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ())
}

/// Forgets that a create call went out (its answer came).
pub async fn clear_create_intent(pool: &AnyPool, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE promotions SET create_sent_at = NULL, updated_at = $1 WHERE id = $2")
        .bind(crate::common::clock::now_unix())
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
}

/// Confirms a draft or failed promotion for publishing, clearing every trace of an earlier
/// attempt; `false` when it is no longer a draft or failed (another request took it).
pub async fn schedule(pool: &AnyPool, id: i64, confirmed_by: &str) -> sqlx::Result<bool> {
    let changed = sqlx::query(
        "UPDATE promotions SET state = 'scheduled', confirmed_by = $1, video_id = NULL, \
         upload_id = NULL, parts_done = 0, image_ids = NULL, create_sent_at = NULL, item_id = NULL, \
         attempts = 0, next_try_at = NULL, error = '', review = '', updated_at = $2 \
         WHERE id = $3 AND state IN ('draft', 'failed')",
    )
    .bind(confirmed_by)
    .bind(crate::common::clock::now_unix())
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Deletes one media row of a draft or failed promotion; its object key, or `None` when the
/// promotion is past that (or the row is not its).
pub async fn remove_draft_media(
    pool: &AnyPool,
    promotion: i64,
    media: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "DELETE FROM promotion_media WHERE id = $1 AND promotion_id = $2 AND promotion_id IN \
         (SELECT id FROM promotions WHERE state IN ('draft', 'failed')) RETURNING object_key",
    )
    .bind(media)
    .bind(promotion)
    .fetch_optional(pool)
    .await
}
