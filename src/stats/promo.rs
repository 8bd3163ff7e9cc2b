//! The promotion side of 统计: published and failed posts per day (an SVG line chart) and each
//! promotion's effect (plays, engagement, attributed orders and GMV).

use sqlx::AnyPool;

use super::svg::{line_chart, Series};
use super::PublishRow;

const DAY: i64 = 86_400;
const BEIJING: i64 = 8 * 3600;

/// Publish outcomes per Beijing day from `from` for `days` days, and their chart.
pub async fn publishing(
    pool: &AnyPool,
    from: i64,
    days: i64,
) -> sqlx::Result<(Vec<PublishRow>, String)> {
    let counts: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT ((at + $2) / 86400) * 86400 - $2 AS day, state, COUNT(DISTINCT promotion_id) \
         FROM promotion_events WHERE at >= $1 AND state IN ('published', 'failed') \
         GROUP BY day, state",
    )
    .bind(from)
    .bind(BEIJING)
    .fetch_all(pool)
    .await?;
    let starts: Vec<i64> = (0..days).map(|i| from + i * DAY).collect();
    let count = |day: i64, state: &str| {
        counts
            .iter()
            .find(|c| c.0 == day && c.1 == state)
            .map(|c| c.2)
            .unwrap_or(0)
    };
    let rows: Vec<PublishRow> = starts
        .iter()
        .map(|d| PublishRow {
            day: crate::ui::time::format_timestamp(*d)[..10].to_string(),
            published: count(*d, "published"),
            failed: count(*d, "failed"),
        })
        .collect();
    let labels: Vec<String> = rows.iter().map(|r| r.day[5..].to_string()).collect();
    let chart = line_chart(
        &format!("近 {days} 天推广发布结果（条）"),
        &labels,
        &[
            Series {
                name: "发布成功",
                color: "#059669",
                values: rows.iter().map(|r| r.published as f64).collect(),
            },
            Series {
                name: "发布失败",
                color: "#dc2626",
                values: rows.iter().map(|r| r.failed as f64).collect(),
            },
        ],
    );
    Ok((
        rows.into_iter()
            .filter(|r| r.published + r.failed > 0)
            .collect(),
        chart,
    ))
}
