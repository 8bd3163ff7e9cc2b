//! The 统计 page's server function.

use leptos::prelude::*;

use super::StatsView;
use crate::error::AppError;

#[server(prefix = "/sf", endpoint = "sales_stats")]
pub async fn sales_stats(days: i64) -> Result<StatsView, AppError> {
    let (app, _) = crate::auth::guard::require_user().await?;
    if !super::PERIODS.contains(&days) {
        return Err(AppError::Invalid("统计周期只能是 7、30 或 90 天".into()).respond());
    }
    let mut view = super::store::view(&app.pool, crate::common::clock::now_unix(), days).await?;
    // The page lists the largest sources; the CSV (routes.rs) has them all.
    view.sources.truncate(super::SOURCES_SHOWN);
    Ok(view)
}
