//! Read-back of published posts: review results from `video_list` (a post Douyin finds 不适宜公开
//! becomes 发布失败 with that reason) and statistics from `video_data` (plays, likes, comments,
//! shares), per account, 20 posts a call.

use crate::douyin::content::Item;
use crate::platforms::hub::Hub;
use crate::platforms::tokens::with_token;

/// Douyin's `video_status` 2: "不适宜公开".
const STATUS_UNFIT: i64 = 2;

/// One pass over every account with published posts; returns how many posts were updated.
pub async fn run_once(hub: &Hub) -> sqlx::Result<usize> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.account_id, a.external_id, p.item_id, p.review FROM promotions p \
         JOIN platform_accounts a ON a.id = p.account_id \
         WHERE p.state = 'published' AND p.item_id IS NOT NULL AND a.status != 'reauth' \
         ORDER BY p.account_id, p.id",
    )
    .fetch_all(&hub.pool)
    .await?;
    let mut updated = 0;
    let mut accounts: Vec<i64> = rows.iter().map(|r| r.1).collect();
    accounts.dedup();
    for account in accounts {
        let mine: Vec<&(i64, i64, String, String, String)> =
            rows.iter().filter(|r| r.1 == account).collect();
        let open_id = mine[0].2.clone();
        if mine.iter().any(|r| r.4 == "reviewing") {
            match reviews(hub, account, &open_id, &mine).await {
                Ok(n) => updated += n,
                Err(why) => tracing::warn!(account, error = %why, "review read-back failed"),
            }
        }
        for chunk in mine.chunks(20) {
            let ids: Vec<String> = chunk.iter().map(|r| r.3.clone()).collect();
            let c = &hub.content;
            let result = with_token(hub, account, |t| {
                let (open_id, ids) = (open_id.clone(), ids.clone());
                async move { c.video_data(&t, &open_id, &ids).await }
            })
            .await;
            match result {
                Ok(items) => updated += store_stats(hub, &items).await?,
                Err(e) => tracing::warn!(account, error = %e.message(), "video_data failed"),
            }
        }
    }
    Ok(updated)
}

async fn store_stats(hub: &Hub, items: &[Item]) -> sqlx::Result<usize> {
    let now = crate::common::clock::now_unix();
    let mut n = 0;
    for i in items {
        n += sqlx::query(
            "UPDATE promotions SET plays = $1, likes = $2, comments = $3, shares = $4, stats_at = $5 \
             WHERE item_id = $6",
        )
        .bind(i.play)
        .bind(i.digg)
        .bind(i.comment)
        .bind(i.share)
        .bind(now)
        .bind(&i.item_id)
        .execute(&hub.pool)
        .await?
        .rows_affected() as usize;
    }
    Ok(n)
}

async fn reviews(
    hub: &Hub,
    account: i64,
    open_id: &str,
    mine: &[&(i64, i64, String, String, String)],
) -> Result<usize, String> {
    let c = &hub.content;
    let mut cursor = 0;
    let mut n = 0;
    for _ in 0..10 {
        let page = with_token(hub, account, |t| {
            let open_id = open_id.to_string();
            async move { c.video_list(&t, &open_id, cursor).await }
        })
        .await
        .map_err(|e| e.message())?;
        for item in page.items.iter().filter(|i| i.is_reviewed) {
            let Some(row) = mine
                .iter()
                .find(|r| r.3 == item.item_id && r.4 == "reviewing")
            else {
                continue;
            };
            let result = if item.video_status == STATUS_UNFIT {
                reject(hub, row.0).await
            } else {
                sqlx::query("UPDATE promotions SET review = 'passed', share_url = $1 WHERE id = $2")
                    .bind(&item.share_url)
                    .bind(row.0)
                    .execute(&hub.pool)
                    .await
                    .map(|_| ())
            };
            result.map_err(|e| e.to_string())?;
            let message = if item.video_status == STATUS_UNFIT {
                "抖音审核未通过"
            } else {
                "抖音审核已通过"
            };
            super::store::event(
                &hub.pool,
                row.0,
                if item.video_status == STATUS_UNFIT {
                    "failed"
                } else {
                    "reviewed"
                },
                message,
            )
            .await
            .map_err(|e| e.to_string())?;
            n += 1;
        }
        if !page.has_more {
            break;
        }
        cursor = page.cursor;
    }
    Ok(n)
}

async fn reject(hub: &Hub, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE promotions SET state = 'failed', review = 'rejected', \
         error = '抖音审核未通过：该内容不适宜公开（video_status 2），请修改后重新发布', \
         updated_at = $1 WHERE id = $2",
    )
    .bind(crate::common::clock::now_unix())
    .bind(id)
    .execute(&hub.pool)
    .await
    .map(|_| ())
}
