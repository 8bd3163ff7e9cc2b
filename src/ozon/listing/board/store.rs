//! The board's SQL: every draft with its pipeline row, the category names, the products in a
//! state.

use std::collections::HashMap;

use sqlx::AnyPool;

use crate::ozon::listing::pipeline::state::State;

/// A draft and, once submitted, its pipeline row.
#[derive(sqlx::FromRow)]
pub struct Entry {
    pub offer_id: String,
    /// The draft (JSON).
    pub data: String,
    /// Its problems (JSON).
    pub problems: String,
    pub state: Option<String>,
    pub failed_step: Option<String>,
    pub error: Option<String>,
    #[sqlx(try_from = "crate::server::db::Flag")]
    pub needs_review: bool,
    /// The pipeline row's last change, or the draft's.
    pub at: i64,
}

/// Every draft, the most recently changed first.
pub async fn entries(pool: &AnyPool) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(
        "SELECT d.offer_id, d.data, d.problems, p.state, p.failed_step, p.error, \
         COALESCE(p.needs_review, FALSE) AS needs_review, COALESCE(p.updated_at, d.updated_at) AS at \
         FROM listing_drafts d LEFT JOIN listing_products p ON p.offer_id = d.offer_id \
         ORDER BY at DESC, d.offer_id",
    )
    .fetch_all(pool)
    .await
}

/// The Chinese name of every cached type id.
pub async fn type_names(pool: &AnyPool) -> sqlx::Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT type_id, MIN(name_zh) FROM catalog_nodes WHERE type_id > 0 GROUP BY type_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The offer ids of the products in `state`.
pub async fn offer_ids_in(pool: &AnyPool, state: State) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT offer_id FROM listing_products WHERE state = $1 ORDER BY offer_id")
        .bind(state.as_str())
        .fetch_all(pool)
        .await
}
