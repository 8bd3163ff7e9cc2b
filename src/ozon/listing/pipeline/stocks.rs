//! Stock writes: queued per product–warehouse pair (merged, at most one per 30 s — see
//! `pacing`), sent 100 pairs per `/v2/products/stocks` request, one receipt per pair. Only a
//! priced product's stocks are queued: Ozon refuses stocks before a price (PRICE_IS_NOT_SENT).

use std::collections::BTreeMap;

use super::listing::Listing;
use super::messages::explain_all;
use super::pacing::{
    put_stock, stock_applied, stock_dropped, stock_released, take_due_stocks, MARGIN_SECS,
    STOCK_GAP_SECS,
};
use super::receipts;
use super::store;
use crate::ozon::client::commerce::{StockItem, StocksRequest};
use crate::ozon::listing::Draft;

/// Pairs per request (Ozon's maximum).
pub const BATCH: i64 = 100;

/// Queues the draft's stock per warehouse; answers how many pairs.
pub async fn queue_draft(l: &Listing, draft: &Draft, now: i64) -> sqlx::Result<usize> {
    let mut queued = 0;
    for s in &draft.stocks {
        let Ok(stock) = s.stock.trim().parse::<i64>() else {
            continue;
        };
        put_stock(l.pool(), &draft.offer_id, s.warehouse_id, stock, now).await?;
        queued += 1;
    }
    Ok(queued)
}

/// Sends the writes that are due; answers whether any were. Each pair stays queued (in flight)
/// until its answer is settled, and its next 30 s count from when the answer came.
pub async fn flush(l: &Listing, now: i64) -> sqlx::Result<bool> {
    let pool = l.pool();
    let due = take_due_stocks(pool, now, BATCH).await?;
    if due.is_empty() {
        return Ok(false);
    }
    let mut by_credential: BTreeMap<i64, Vec<StockItem>> = BTreeMap::new();
    for (offer_id, warehouse_id, stock) in due {
        let product = store::product(pool, &offer_id).await?;
        let Some(p) = product.filter(|p| p.product_id.is_some_and(|id| id > 0)) else {
            // Ozon needs a real product_id: without a card there is nothing to write to.
            let why = "Ozon 上还没有这个商品的卡片（缺少 product_id），库存未发送";
            receipts::stock(
                pool,
                &offer_id,
                None,
                warehouse_id,
                stock,
                "failed",
                Some(why),
                now,
            )
            .await?;
            stock_dropped(pool, &offer_id, warehouse_id, now).await?;
            continue;
        };
        by_credential
            .entry(p.credential_id)
            .or_default()
            .push(StockItem {
                offer_id,
                product_id: p.product_id.unwrap_or(0),
                stock,
                warehouse_id,
            });
    }
    for (credential_id, stocks) in by_credential {
        let creds = match l.credentials(credential_id).await {
            Ok(creds) => creds,
            Err(super::listing::Failure::Permanent(why)) => {
                for s in &stocks {
                    let r = Some(why.as_str());
                    receipts::stock(
                        pool,
                        &s.offer_id,
                        Some(s.product_id),
                        s.warehouse_id,
                        s.stock,
                        "failed",
                        r,
                        now,
                    )
                    .await?;
                    stock_dropped(pool, &s.offer_id, s.warehouse_id, now).await?;
                }
                continue;
            }
            Err(_) => {
                for s in &stocks {
                    stock_released(pool, &s.offer_id, s.warehouse_id, now + 1).await?;
                }
                continue;
            }
        };
        let request = StocksRequest { stocks };
        let answer = l.ozon().update_stocks(&creds, &request).await;
        // The request may have waited out a 429 inside the client: what Ozon applied, it
        // applied no earlier than now.
        let answered = l.now();
        match answer {
            Ok(answer) => {
                for s in &request.stocks {
                    let result = answer.result.iter().find(|r| {
                        r.offer_id == s.offer_id
                            && r.warehouse_id.is_none_or(|w| w == s.warehouse_id)
                    });
                    settle(l, s, result, answered).await?;
                }
            }
            Err(e) => {
                let transient = matches!(
                    super::listing::Failure::from(e.clone()),
                    super::listing::Failure::Transient(_)
                );
                let why = e.to_string();
                for s in &request.stocks {
                    let state = if transient { "retry" } else { "failed" };
                    receipts::stock(
                        pool,
                        &s.offer_id,
                        Some(s.product_id),
                        s.warehouse_id,
                        s.stock,
                        state,
                        Some(&why),
                        answered,
                    )
                    .await?;
                    // A timeout may have been applied: the next try keeps the 30 s gap.
                    let next = answered + STOCK_GAP_SECS + MARGIN_SECS;
                    if transient {
                        stock_released(pool, &s.offer_id, s.warehouse_id, next).await?;
                    } else {
                        stock_dropped(pool, &s.offer_id, s.warehouse_id, next).await?;
                    }
                }
            }
        }
    }
    Ok(true)
}

async fn settle(
    l: &Listing,
    s: &StockItem,
    result: Option<&crate::ozon::client::commerce::UpdateResult>,
    now: i64,
) -> sqlx::Result<()> {
    let pool = l.pool();
    let product_id = Some(s.product_id);
    let next = now + STOCK_GAP_SECS + MARGIN_SECS;
    match result {
        Some(r) if r.updated && r.errors.is_empty() => {
            receipts::stock(
                pool,
                &s.offer_id,
                product_id,
                s.warehouse_id,
                s.stock,
                "accepted",
                None,
                now,
            )
            .await?;
            stock_applied(pool, &s.offer_id, s.warehouse_id, now).await
        }
        Some(r) if r.errors.iter().any(|e| e.code == "TOO_MANY_REQUESTS") => {
            // Ozon saw the pair too soon: the write waits its turn again.
            let why = explain_all(&r.errors);
            receipts::stock(
                pool,
                &s.offer_id,
                product_id,
                s.warehouse_id,
                s.stock,
                "deferred",
                Some(&why),
                now,
            )
            .await?;
            stock_released(pool, &s.offer_id, s.warehouse_id, next).await
        }
        Some(r) => {
            let why = explain_all(&r.errors);
            receipts::stock(
                pool,
                &s.offer_id,
                product_id,
                s.warehouse_id,
                s.stock,
                "failed",
                Some(&why),
                now,
            )
            .await?;
            stock_dropped(pool, &s.offer_id, s.warehouse_id, now).await?;
            let message = format!("{}（库存，仓库 {}）：{why}", s.offer_id, s.warehouse_id);
            l.alerts()
                .raise(pool, "stock", &s.offer_id, &message, now)
                .await
        }
        None => {
            let why = "Ozon 的回复里没有这一项，稍后重发";
            receipts::stock(
                pool,
                &s.offer_id,
                product_id,
                s.warehouse_id,
                s.stock,
                "retry",
                Some(why),
                now,
            )
            .await?;
            stock_released(pool, &s.offer_id, s.warehouse_id, next).await
        }
    }
}

/// The latest receipt per warehouse of a product: (warehouse, state, reason).
pub async fn latest(
    pool: &sqlx::AnyPool,
    offer_id: &str,
) -> sqlx::Result<Vec<(i64, String, Option<String>)>> {
    sqlx::query_as(
        "SELECT warehouse_id, state, reason FROM stock_log WHERE id IN \
         (SELECT MAX(id) FROM stock_log WHERE offer_id = $1 GROUP BY warehouse_id)",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await
}
