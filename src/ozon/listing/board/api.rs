//! Server functions of the pipeline board and the product page: one pipeline API
//! (`pipeline::service`) behind both the pages and any other door.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::ozon::listing::domain::OfferId;
#[cfg(feature = "ssr")]
use crate::ozon::listing::pipeline::state::{State, Step};
#[cfg(feature = "ssr")]
use crate::ozon::listing::pipeline::{pacing, queue, receipts, service, store};
#[cfg(feature = "ssr")]
use crate::ui::time::format_timestamp;

pub use crate::ozon::listing::pipeline::service_types::Outcome;

pub use super::{Board, BoardRow, BOARD_ROWS};

/// The board: counts per state, the products matching the filters (state — or `review` —,
/// type id, error text), the latest alerts.
#[server(prefix = "/sf", endpoint = "listing_board")]
pub async fn pipeline_board(state: String, type_id: i64, error: String) -> Result<Board, AppError> {
    let (app, _) = guard::require_user().await?;
    let filter = super::service::Filter::parse(&state, type_id, &error);
    Ok(super::service::board(&app.pool, &filter).await?)
}

/// Offer ids from a textarea-ish list: one per line or comma-separated, de-duplicated.
pub fn split_ids(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in text
        .split(['\n', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    }
    ids
}

/// The ids that parse as offer ids, and a refusal for each that does not.
#[cfg(feature = "ssr")]
fn parse_ids(ids: Vec<String>) -> (Vec<OfferId>, Vec<Outcome>) {
    let mut good = Vec::new();
    let mut refused = Vec::new();
    for id in ids {
        match OfferId::parse(&id) {
            Ok(offer) => good.push(offer),
            Err(why) => refused.push(Outcome {
                offer_id: id,
                ok: false,
                message: why,
            }),
        }
    }
    (good, refused)
}

/// Submits the drafts named in `offer_ids` (one per line or comma-separated).
#[server(prefix = "/sf", endpoint = "listing_submit")]
pub async fn submit_products(offer_ids: String) -> Result<Vec<Outcome>, AppError> {
    let (app, user) = guard::require_user().await?;
    let ids = split_ids(&offer_ids);
    if ids.is_empty() {
        return Err(AppError::Invalid("请先勾选要提交的商品".into()).respond());
    }
    if ids.len() > service::MAX_SUBMIT {
        return Err(
            AppError::Invalid(format!("一次最多提交 {} 个商品", service::MAX_SUBMIT)).respond(),
        );
    }
    let (ids, mut refused) = parse_ids(ids);
    let mut done = service::submit(&app.listing, &app.drafts, &ids, &user.name).await;
    done.append(&mut refused);
    Ok(done)
}

/// Retries the named failed products; with none named, every product in Error.
#[server(prefix = "/sf", endpoint = "listing_retry")]
pub async fn retry_products(offer_ids: String) -> Result<Vec<Outcome>, AppError> {
    let (app, _) = guard::require_user().await?;
    let mut ids = split_ids(&offer_ids);
    if ids.is_empty() {
        ids = super::store::offer_ids_in(&app.pool, State::Error).await?;
    }
    let (ids, refused) = parse_ids(ids);
    let mut done = Vec::new();
    for id in ids.iter().take(service::MAX_SUBMIT) {
        let result = service::retry(&app.listing, id).await;
        done.push(Outcome {
            offer_id: id.to_string(),
            ok: result.is_ok(),
            message: result.unwrap_or_else(service::Refusal::told),
        });
    }
    done.extend(refused);
    Ok(done)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub at: String,
    pub from: String,
    pub to: String,
    pub note: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRow {
    pub at: String,
    pub kind: String,
    pub state: String,
    pub summary: String,
    pub reason: Option<String>,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub offer_id: String,
    pub name: String,
    pub state: String,
    pub state_label: String,
    pub error: Option<String>,
    pub failed_step: Option<String>,
    pub needs_review: bool,
    pub product_id: Option<i64>,
    pub sku: Option<i64>,
    /// Ozon's public page of the card, once it has a SKU.
    pub link: Option<String>,
    /// What the product waits for and when it runs next.
    pub waiting: Option<(String, String)>,
    /// Stock writes waiting: (warehouse, stock, when it goes out).
    pub pending_stocks: Vec<(i64, i64, String)>,
    pub timeline: Vec<TimelineRow>,
    pub receipts: Vec<ReceiptRow>,
    pub active: bool,
}

/// One product: state, timeline, receipts, waiting stock writes.
#[server(prefix = "/sf", endpoint = "listing_product")]
pub async fn pipeline_product(offer_id: String) -> Result<ProductView, AppError> {
    let (app, _) = guard::require_user().await?;
    let pool = &app.pool;
    let p = store::product(pool, &offer_id).await?.ok_or_else(|| {
        AppError::Invalid(format!("商品 {offer_id} 还没有提交到上架流程")).respond()
    })?;
    let name = app
        .drafts
        .find(&offer_id)
        .await?
        .map(|s| s.draft.name)
        .unwrap_or_default();
    let label = |s: &str| {
        State::parse(s)
            .map(State::label)
            .unwrap_or("未知")
            .to_string()
    };
    let timeline = store::timeline(pool, &offer_id)
        .await?
        .into_iter()
        .map(|t| TimelineRow {
            at: format_timestamp(t.at),
            from: label(&t.from),
            to: label(&t.to),
            note: t.note,
        })
        .collect();
    let receipts = receipts::of_product(pool, &offer_id)
        .await?
        .into_iter()
        .map(|r| ReceiptRow {
            at: format_timestamp(r.at),
            kind: r.kind,
            state: r.state,
            summary: r.summary,
            reason: r.reason,
            detail: r.detail,
        })
        .collect();
    let pending_stocks = pacing::pending_of(pool, &offer_id)
        .await?
        .into_iter()
        .map(|(w, s, due)| (w, s, format_timestamp(due)))
        .collect();
    let waiting = queue::waiting(pool, &offer_id)
        .await?
        .map(|(_, run_at, why)| {
            (
                why.unwrap_or_else(|| "排队中".into()),
                format_timestamp(run_at),
            )
        });
    let state = p.state();
    Ok(ProductView {
        link: p
            .sku
            .map(|sku| format!("https://www.ozon.ru/product/{sku}")),
        state_label: state.label().to_string(),
        state: state.as_str().to_string(),
        active: state.is_moving(),
        failed_step: p
            .failed_step
            .as_deref()
            .and_then(Step::parse)
            .map(|s| s.label().to_string()),
        offer_id: p.offer_id,
        name,
        error: p.error,
        needs_review: p.needs_review,
        product_id: p.product_id,
        sku: p.sku,
        waiting,
        pending_stocks,
        timeline,
        receipts,
    })
}
