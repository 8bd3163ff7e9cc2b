//! Where each product is on its way to Ozon, and every move it made (its timeline). A move the
//! state machine does not allow is refused, so the stored history is always a legal path.

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

use super::state::{allowed, State, Step};
use crate::common::clock::now_unix;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("商品 {0} 不在上架流程中")]
    Unknown(String),
    #[error("不允许从 {from} 变为 {to}")]
    NotAllowed {
        from: &'static str,
        to: &'static str,
    },
    #[error("数据库错误")]
    Db(#[from] sqlx::Error),
}

/// One move of a product's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Transition {
    pub from: String,
    pub to: String,
    pub step: Option<String>,
    pub note: String,
    pub at: i64,
}

/// Records who submitted the product; answers its state.
pub async fn mark_submitted<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    offer_id: &str,
    by: &str,
) -> sqlx::Result<State> {
    let state: String = sqlx::query_scalar(
        "UPDATE listing_products SET submitted_by = $1 WHERE offer_id = $2 RETURNING state",
    )
    .bind(by)
    .bind(offer_id)
    .fetch_one(db)
    .await?;
    state_column(offer_id, &state)
}

/// A stored `listing_products.state`; a name the machine does not have is a decode error.
pub fn state_column(offer_id: &str, state: &str) -> sqlx::Result<State> {
    State::parse(state).ok_or_else(|| {
        sqlx::Error::Decode(format!("listing_products {offer_id}: 未知状态 {state}").into())
    })
}

/// Puts `offer_id` into the pipeline as a Draft; a product already in it is left as it is.
/// Answers whether it was added.
pub async fn admit<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    offer_id: &str,
    credential_id: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO listing_products (offer_id, credential_id, state, updated_at) \
         VALUES ($1, $2, 'Draft', $3) ON CONFLICT DO NOTHING",
    )
    .bind(offer_id)
    .bind(credential_id)
    .bind(now_unix())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The product's state and, in Error, the step that failed.
pub async fn state_of(pool: &AnyPool, offer_id: &str) -> Result<(State, Option<Step>), StoreError> {
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT state, failed_step FROM listing_products WHERE offer_id = $1")
            .bind(offer_id)
            .fetch_optional(pool)
            .await?;
    let (state, step) = row.ok_or_else(|| StoreError::Unknown(offer_id.to_string()))?;
    Ok((
        State::parse(&state).unwrap_or(State::Draft),
        step.as_deref().and_then(Step::parse),
    ))
}

/// Moves the product to `to`. Into Error, `step` is the step that failed and `note` why; out of
/// Error (a retry), the product goes back to where its failed step starts.
pub async fn transition(
    pool: &AnyPool,
    offer_id: &str,
    to: State,
    step: Option<Step>,
    note: &str,
) -> Result<(), StoreError> {
    let mut tx = crate::server::db::begin_write(pool).await?;
    let row: Option<(String, Option<String>)> =
        sqlx::query_as("SELECT state, failed_step FROM listing_products WHERE offer_id = $1")
            .bind(offer_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (from, failed) = row.ok_or_else(|| StoreError::Unknown(offer_id.to_string()))?;
    let from = State::parse(&from).unwrap_or(State::Draft);
    let failed = failed.as_deref().and_then(Step::parse);
    if !allowed(from, to, failed) {
        return Err(StoreError::NotAllowed {
            from: from.as_str(),
            to: to.as_str(),
        });
    }
    let now = now_unix();
    let into_error = to == State::Error;
    sqlx::query(
        "UPDATE listing_products SET state = $1, failed_step = $2, error = $3, \
         needs_review = CASE WHEN $4 THEN needs_review ELSE FALSE END, updated_at = $5 WHERE offer_id = $6",
    )
    .bind(to.as_str())
    .bind(if into_error { step.map(Step::as_str) } else { None })
    .bind(if into_error { Some(note) } else { None })
    .bind(into_error)
    .bind(now)
    .bind(offer_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO listing_transitions (offer_id, from_state, to_state, step, note, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(offer_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(step.map(Step::as_str))
    .bind(note)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a product in Error as needing a person (人工复核).
pub async fn send_to_review(pool: &AnyPool, offer_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_products SET needs_review = TRUE WHERE offer_id = $1 AND state = 'Error'",
    )
    .bind(offer_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Every move of the product, oldest first.
pub async fn timeline(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Vec<Transition>> {
    sqlx::query_as(
        "SELECT from_state AS \"from\", to_state AS \"to\", step, COALESCE(note, '') AS note, at \
         FROM listing_transitions WHERE offer_id = $1 ORDER BY id",
    )
    .bind(offer_id)
    .fetch_all(pool)
    .await
}

/// How many products are in each state.
pub async fn counts(pool: &AnyPool) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as("SELECT state, COUNT(*) FROM listing_products GROUP BY state ORDER BY state")
        .fetch_all(pool)
        .await
}

/// A product's row in the pipeline.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Product {
    pub offer_id: String,
    pub credential_id: i64,
    pub state: String,
    pub failed_step: Option<String>,
    pub error: Option<String>,
    #[sqlx(try_from = "crate::server::db::Flag")]
    pub needs_review: bool,
    pub product_id: Option<i64>,
    pub sku: Option<i64>,
    pub task_id: Option<i64>,
    pub import_intent: Option<i64>,
    pub sent_images: Option<String>,
    pub submitted_by: Option<String>,
    pub updated_at: i64,
}

impl Product {
    pub fn state(&self) -> State {
        State::parse(&self.state).unwrap_or(State::Draft)
    }

    /// The pictures last sent to Ozon, in order.
    pub fn sent_images(&self) -> sqlx::Result<Vec<String>> {
        crate::common::json::column_or_default(
            &format!("listing_products {} sent_images", self.offer_id),
            self.sent_images.as_deref(),
        )
    }
}

pub async fn product(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Option<Product>> {
    sqlx::query_as(
        "SELECT offer_id, credential_id, state, failed_step, error, needs_review, product_id, sku, \
         task_id, import_intent, sent_images, submitted_by, updated_at \
         FROM listing_products WHERE offer_id = $1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await
}

/// Records (or clears) the intent to send an import: set before the request goes out, so a
/// crash in between makes the next attempt look the offer_id up on Ozon first.
pub async fn set_intent(pool: &AnyPool, offer_id: &str, at: Option<i64>) -> sqlx::Result<()> {
    sqlx::query("UPDATE listing_products SET import_intent = $1 WHERE offer_id = $2")
        .bind(at)
        .bind(offer_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// What Ozon answered an import: its task (None when the card was found by a lookup) and the
/// pictures sent with it. Clears the intent.
pub async fn set_submitted(
    pool: &AnyPool,
    offer_id: &str,
    task_id: Option<i64>,
    images: &[String],
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_products SET task_id = $1, import_intent = NULL, sent_images = $2 WHERE offer_id = $3",
    )
    .bind(task_id)
    .bind(serde_json::to_string(images).unwrap_or_default())
    .bind(offer_id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn set_images(pool: &AnyPool, offer_id: &str, images: &[String]) -> sqlx::Result<()> {
    sqlx::query("UPDATE listing_products SET sent_images = $1 WHERE offer_id = $2")
        .bind(serde_json::to_string(images).unwrap_or_default())
        .bind(offer_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The card's ids on Ozon.
pub async fn set_card(
    pool: &AnyPool,
    offer_id: &str,
    product_id: Option<i64>,
    sku: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_products SET product_id = COALESCE($1, product_id), sku = COALESCE($2, sku) \
         WHERE offer_id = $3",
    )
    .bind(product_id.filter(|id| *id > 0))
    .bind(sku.filter(|id| *id > 0))
    .bind(offer_id)
    .execute(pool)
    .await?;
    Ok(())
}
