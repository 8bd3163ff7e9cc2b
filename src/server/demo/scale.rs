//! `shopbridge demo --scale N`: N products and 10 N orders in the demo's 抖店 shop, written
//! through the sync's own store functions (`platforms::rows`), so the lists, counters, daily
//! sums and search index see exactly what a sync of that many would leave. Orders spread over
//! the last year; products over the last month. Idempotent: the ids repeat, so a second run
//! updates rows in place.

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::AnyPool;

use crate::platforms::rows::{upsert_order, upsert_product};
use crate::sim::doudian::volume::Volume;

/// Rows per transaction.
const BATCH: usize = 2_000;

/// Waits for the demo's 抖店 shop (made by the OAuth dance) and returns its row id.
async fn demo_shop(pool: &AnyPool) -> anyhow::Result<i64> {
    for _ in 0..300 {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM shops WHERE platform = 'doudian' ORDER BY id LIMIT 1",
        )
        .fetch_optional(pool)
        .await?;
        if let Some(id) = id {
            return Ok(id);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("演示抖店店铺没有出现，无法写入规模数据")
}

pub async fn seed(pool: &AnyPool, n: usize) -> anyhow::Result<()> {
    let shop = demo_shop(pool).await?;
    let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_orders WHERE shop_row = $1")
        .bind(shop)
        .fetch_one(pool)
        .await?;
    if have >= (10 * n) as i64 {
        println!("规模数据已存在（{have} 个订单），不再写入");
        return Ok(());
    }
    let started = Instant::now();
    let now = crate::common::clock::now_unix();
    let volume = Volume::new(n);
    let product_span = 30 * 86_400;
    write(
        pool,
        "商品",
        n,
        |i| {
            volume.product(
                i,
                now - product_span + (i as i64 * product_span) / n.max(1) as i64,
            )
        },
        |tx, item| Box::pin(upsert_product(tx, shop, item, now)),
    )
    .await?;
    let orders = 10 * n;
    let order_span = 365 * 86_400;
    write(
        pool,
        "订单",
        orders,
        |i| {
            volume.order(
                i,
                now - order_span + (i as i64 * order_span) / orders.max(1) as i64,
            )
        },
        |tx, item| Box::pin(upsert_order(tx, shop, item, now)),
    )
    .await?;
    println!(
        "规模数据：{n} 个商品、{orders} 个订单，用时 {:.0} 秒",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

type Upsert<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = sqlx::Result<()>> + Send + 'a>>;

async fn write(
    pool: &AnyPool,
    what: &str,
    n: usize,
    item: impl Fn(usize) -> serde_json::Value,
    upsert: impl for<'a> Fn(&'a mut sqlx::AnyConnection, &'a serde_json::Value) -> Upsert<'a>,
) -> anyhow::Result<()> {
    let mut done = 0;
    while done < n {
        let end = (done + BATCH).min(n);
        let mut tx = pool.begin().await?;
        for i in done..end {
            let value = item(i);
            upsert(&mut tx, &value)
                .await
                .with_context(|| format!("写入{what}失败"))?;
        }
        tx.commit().await?;
        done = end;
        if done % 100_000 == 0 || done == n {
            println!("  {what}：{done}/{n}");
        }
    }
    Ok(())
}
