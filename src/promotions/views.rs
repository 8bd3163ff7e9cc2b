//! What the 推广 pages and 统计 read: the list with each promotion's effect, and the editor's
//! view of one promotion.

use sqlx::{AnyPool, FromRow};

use super::store::{form_of, get, media, problems};
use super::{
    kind_label, state_label, validate, EventView, MediaView, PromotionDetail, PromotionForm,
    PromotionList, PromotionRow,
};
use crate::common::money::Fen;
use crate::error::AppError;
use crate::ui::time::format_timestamp;

/// Orders and paid fen attributed to each promotion: order lines with its post's `video_id`,
/// or its live room's `room_id`; cancelled orders left out.
/// `only` limits it to one promotion. Keyed by promotion id: (orders, fen).
pub async fn effects(
    pool: &AnyPool,
    only: Option<i64>,
) -> sqlx::Result<std::collections::HashMap<i64, (i64, i64)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        // Promotions first (SQLite: CROSS JOIN fixes the order), then each one's lines by the video
        // index or the room index: without it SQLite may read every line.
        "SELECT p.id, COUNT(DISTINCT o.id), COALESCE(CAST(SUM(l.pay_amount_fen) AS BIGINT), 0) \
         FROM promotions p {join} shop_order_lines l \
           ON (p.item_id != '' AND l.video_id = p.item_id) \
           OR (p.room_id != '' AND l.room_id = p.room_id) \
         {join} shop_orders o ON o.id = l.order_row AND COALESCE(o.order_status, 0) != 4 \
         WHERE $1 IS NULL OR p.id = $1 GROUP BY p.id",
        join = crate::server::db::ordered_join(crate::server::db::backend(pool))
    ))
    .bind(only)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n, fen)| (id, (n, fen)))
        .collect())
}

#[derive(FromRow)]
struct ListRow {
    id: i64,
    kind: String,
    account: String,
    title: String,
    state: String,
    publish_at: Option<i64>,
    published_at: Option<i64>,
    error: String,
    review: String,
    plays: i64,
    likes: i64,
    comments: i64,
    shares: i64,
}

pub async fn list(pool: &AnyPool) -> sqlx::Result<PromotionList> {
    let rows: Vec<ListRow> = sqlx::query_as(
        "SELECT p.id, p.kind, a.name AS account, p.title, p.state, p.publish_at, p.published_at, \
         p.error, p.review, p.plays, p.likes, p.comments, p.shares \
         FROM promotions p JOIN platform_accounts a ON a.id = p.account_id \
         WHERE p.state != 'deleted' OR p.item_id IS NOT NULL ORDER BY p.id DESC LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    let effects = effects(pool, None).await?;
    let counts: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, COUNT(*) FROM promotions GROUP BY state ORDER BY state")
            .fetch_all(pool)
            .await?;
    Ok(PromotionList {
        rows: rows
            .into_iter()
            .map(|r| {
                let (orders, fen) = effects.get(&r.id).copied().unwrap_or((0, 0));
                PromotionRow {
                    id: r.id,
                    kind: kind_label(&r.kind).into(),
                    account: r.account,
                    title: r.title,
                    state: r.state,
                    publish_at: r
                        .published_at
                        .or(r.publish_at)
                        .map(format_timestamp)
                        .unwrap_or_else(|| "立即".into()),
                    error: r.error,
                    review: r.review,
                    plays: r.plays,
                    engagement: r.likes + r.comments + r.shares,
                    orders,
                    gmv_yuan: Fen(fen).yuan(),
                }
            })
            .collect(),
        counts: counts
            .into_iter()
            .map(|(s, n)| (state_label(&s).to_string(), n))
            .collect(),
    })
}

/// The editor's view of `id` (a blank draft when 0).
pub async fn detail(
    pool: &AnyPool,
    media_url: impl Fn(&str) -> String,
    id: i64,
) -> Result<Option<PromotionDetail>, AppError> {
    let accounts: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM platform_accounts WHERE platform = 'douyin' ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let shops: Vec<(i64, String)> = sqlx::query_as("SELECT id, shop_name FROM shops ORDER BY id")
        .fetch_all(pool)
        .await?;
    let mut d = PromotionDetail {
        form: PromotionForm {
            kind: "video".into(),
            account_id: accounts.first().map(|a| a.0).unwrap_or(0),
            ..PromotionForm::default()
        },
        account_name: String::new(),
        state: "draft".into(),
        error: String::new(),
        review: String::new(),
        item_id: String::new(),
        share_url: String::new(),
        media: Vec::new(),
        events: Vec::new(),
        problems: Vec::new(),
        accounts,
        shops,
        plays: 0,
        likes: 0,
        comments: 0,
        shares: 0,
        orders: 0,
        gmv_yuan: Fen(0).yuan(),
        flash: None,
    };
    if id == 0 {
        return Ok(Some(d));
    }
    let Some(r) = get(pool, id).await? else {
        return Ok(None);
    };
    let now = crate::common::clock::now_unix();
    d.problems = if matches!(r.state.as_str(), "draft" | "failed") {
        problems(pool, &r, now).await?
    } else {
        Vec::new()
    };
    d.form = form_of(&r);
    d.account_name = d
        .accounts
        .iter()
        .find(|a| a.0 == r.account_id)
        .map(|a| a.1.clone())
        .unwrap_or_default();
    d.media = media(pool, id)
        .await?
        .into_iter()
        .map(|m| MediaView {
            id: m.id,
            url: media_url(&m.object_key),
            role: m.role,
            file_name: m.file_name,
            size: validate::size_text(m.size),
            duration: m
                .duration_ms
                .map(|ms| format!("{}:{:02}", ms / 60_000, ms / 1000 % 60))
                .unwrap_or_default(),
        })
        .collect();
    let events: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT at, state, message FROM promotion_events WHERE promotion_id = $1 ORDER BY id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    d.events = events
        .into_iter()
        .map(|(at, state, message)| EventView {
            at: format_timestamp(at),
            state: state_label(&state).into(),
            message,
        })
        .collect();
    let (orders, fen) = effects(pool, Some(id)).await?.remove(&id).unwrap_or((0, 0));
    d.orders = orders;
    d.gmv_yuan = Fen(fen).yuan();
    d.state = r.state;
    d.error = r.error;
    d.review = r.review;
    d.item_id = r.item_id.unwrap_or_default();
    d.share_url = r.share_url;
    (d.plays, d.likes, d.comments, d.shares) = (r.plays, r.likes, r.comments, r.shares);
    Ok(Some(d))
}
