//! The sums behind 统计, in fen, by Beijing day.

use sqlx::AnyPool;

use super::svg::{bar_chart, line_chart, Series};
use super::{DailyRow, StatsView};
use crate::common::money::Fen;

const DAY: i64 = 86_400;
const BEIJING: i64 = 8 * 3600;
const COLORS: &[&str] = &[
    "#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed",
];

/// The first second (unix) of the Beijing day `days - 1` days before `now`'s.
pub fn since(now: i64, days: i64) -> i64 {
    let today = (now + BEIJING).div_euclid(DAY) * DAY - BEIJING;
    today - (days - 1) * DAY
}

fn day_label(start: i64) -> String {
    crate::ui::time::format_timestamp(start)[5..10].to_string()
}

/// Orders and paid fen of one shop on one Beijing day.
#[derive(sqlx::FromRow)]
pub struct Daily {
    /// The day's first second (unix).
    pub day: i64,
    pub shop: String,
    pub orders: i64,
    pub fen: Fen,
}

/// Per day and shop, cancelled orders (status 4) left out: read from the daily sums the
/// database keeps on every order write (`order_daily`), not from the orders.
pub async fn daily(pool: &AnyPool, from: i64) -> sqlx::Result<Vec<Daily>> {
    sqlx::query_as(
        "SELECT d.day AS day, s.shop_name AS shop, CAST(SUM(d.orders) AS BIGINT) AS orders, CAST(SUM(d.pay_fen) AS BIGINT) AS fen \
         FROM order_daily d JOIN shops s ON s.id = d.shop_row \
         WHERE d.day >= $1 AND d.status != 4 \
         GROUP BY d.day, s.id HAVING CAST(SUM(d.orders) AS BIGINT) > 0 ORDER BY d.day, s.id",
    )
    .bind(from)
    .fetch_all(pool)
    .await
}

pub async fn view(pool: &AnyPool, now: i64, days: i64) -> sqlx::Result<StatsView> {
    let from = since(now, days);
    let daily_rows = daily(pool, from).await?;
    let starts: Vec<i64> = (0..days).map(|i| from + i * DAY).collect();
    let labels: Vec<String> = starts.iter().map(|s| day_label(*s)).collect();
    // Every shop has a line, flat at zero on days without sales.
    let shops: Vec<String> = sqlx::query_scalar("SELECT shop_name FROM shops ORDER BY id")
        .fetch_all(pool)
        .await?;
    let by_day_shop: std::collections::HashMap<(i64, &str), f64> = daily_rows
        .iter()
        .map(|r| ((r.day, r.shop.as_str()), r.fen.0 as f64 / 100.0))
        .collect();
    let series: Vec<Series> = shops
        .iter()
        .enumerate()
        .map(|(i, shop)| Series {
            name: shop,
            color: COLORS[i % COLORS.len()],
            values: starts
                .iter()
                .map(|d| {
                    by_day_shop
                        .get(&(*d, shop.as_str()))
                        .copied()
                        .unwrap_or(0.0)
                })
                .collect(),
        })
        .collect();
    let gmv_chart = line_chart(&format!("近 {days} 天每日成交额（元）"), &labels, &series);
    let ranked = super::rankings::get(pool, days, from, now).await?;
    let top_chart = bar_chart(
        "成交额前 10 的商品（元）",
        &ranked
            .top
            .iter()
            .map(|t| t.name.chars().take(8).collect())
            .collect::<Vec<String>>(),
        &Series {
            name: "成交额",
            color: COLORS[0],
            values: ranked.top_fen.iter().map(|f| *f as f64 / 100.0).collect(),
        },
    );
    let (publishing, publish_chart) = super::promo::publishing(pool, from, days).await?;
    let promotions = crate::promotions::views::list(pool)
        .await?
        .rows
        .into_iter()
        .filter(|r| r.state == "published" || r.orders > 0 || r.plays > 0)
        .collect();
    Ok(StatsView {
        days,
        orders: daily_rows.iter().map(|r| r.orders).sum(),
        gmv_yuan: daily_rows.iter().map(|r| r.fen).sum::<Fen>().yuan(),
        daily: daily_rows
            .into_iter()
            .map(|r| DailyRow {
                day: crate::ui::time::format_timestamp(r.day)[..10].to_string(),
                shop: r.shop,
                orders: r.orders,
                gmv_yuan: r.fen.yuan(),
            })
            .collect(),
        gmv_chart,
        top: ranked.top,
        top_chart,
        publishing,
        publish_chart,
        promotions,
        sources_total: ranked.sources.len(),
        sources: ranked.sources,
        ranked_at: crate::ui::time::format_timestamp(ranked.computed_at),
    })
}

/// A table of the view as CSV rows (with a header), for `table` = daily | products | sources.
pub fn csv_rows(view: &StatsView, table: &str) -> Option<Vec<Vec<String>>> {
    let rows = match table {
        "daily" => std::iter::once(vec![
            "日期".into(),
            "店铺".into(),
            "订单数".into(),
            "成交额（元）".into(),
        ])
        .chain(view.daily.iter().map(|r| {
            vec![
                r.day.clone(),
                r.shop.clone(),
                r.orders.to_string(),
                r.gmv_yuan.clone(),
            ]
        }))
        .collect(),
        "products" => std::iter::once(vec![
            "商品 ID".into(),
            "商品".into(),
            "订单数".into(),
            "件数".into(),
            "成交额（元）".into(),
        ])
        .chain(view.top.iter().map(|r| {
            vec![
                r.product_id.clone(),
                r.name.clone(),
                r.orders.to_string(),
                r.units.to_string(),
                r.gmv_yuan.clone(),
            ]
        }))
        .collect(),
        "sources" => std::iter::once(vec![
            "来源".into(),
            "ID".into(),
            "订单数".into(),
            "成交额（元）".into(),
        ])
        .chain(view.sources.iter().map(|r| {
            vec![
                r.source.clone(),
                r.id.clone(),
                r.orders.to_string(),
                r.gmv_yuan.clone(),
            ]
        }))
        .collect(),
        "publishing" => std::iter::once(vec!["日期".into(), "发布成功".into(), "发布失败".into()])
            .chain(
                view.publishing
                    .iter()
                    .map(|r| vec![r.day.clone(), r.published.to_string(), r.failed.to_string()]),
            )
            .collect(),
        "promotions" => std::iter::once(
            [
                "推广",
                "类型",
                "账号",
                "状态",
                "播放",
                "互动",
                "订单数",
                "成交额（元）",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        )
        .chain(view.promotions.iter().map(|r| {
            vec![
                r.title.clone(),
                r.kind.clone(),
                r.account.clone(),
                crate::promotions::state_label(&r.state).to_string(),
                r.plays.to_string(),
                r.engagement.to_string(),
                r.orders.to_string(),
                r.gmv_yuan.clone(),
            ]
        }))
        .collect(),
        _ => return None,
    };
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::since;

    #[test]
    fn periods_start_at_beijing_midnight() {
        // 2026-11-22 10:20:32 Beijing → that day starts at 2026-11-21T16:00:00Z.
        assert_eq!(since(1_795_314_032, 1), 1_795_276_800);
        assert_eq!(since(1_795_314_032, 7), 1_795_276_800 - 6 * 86_400);
    }
}
