//! Server functions of the board's tools: the reconciliation report (latest run, run now, CSV
//! download) and 批量改价/改库存 from a pasted table. Same pipeline API as the pages' other doors.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub use crate::ozon::listing::pipeline::service_types::Outcome;

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::ozon::listing::pipeline::inspector;

/// A difference as the page lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DifferenceRow {
    pub offer_id: String,
    pub field: String,
    pub sent: String,
    pub found: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionView {
    pub ran: bool,
    pub run_at: String,
    pub trigger: String,
    pub checked: i64,
    pub error: Option<String>,
    pub differences: Vec<DifferenceRow>,
}

#[cfg(feature = "ssr")]
fn view_of(report: Option<inspector::Inspection>) -> InspectionView {
    let Some(r) = report else {
        return InspectionView::default();
    };
    InspectionView {
        ran: true,
        run_at: crate::ui::time::format_timestamp(r.run_at),
        trigger: if r.trigger == "daily" {
            "每日自动"
        } else {
            "手动"
        }
        .into(),
        checked: r.checked,
        error: r.error,
        differences: r
            .differences
            .into_iter()
            .map(|d| DifferenceRow {
                field: inspector::label(&d.field).into(),
                offer_id: d.offer_id,
                sent: d.sent,
                found: d.found,
            })
            .collect(),
    }
}

#[server(prefix = "/sf", endpoint = "listing_inspection")]
pub async fn latest_inspection() -> Result<InspectionView, AppError> {
    let (app, _) = guard::require_user().await?;
    Ok(view_of(inspector::latest(&app.pool).await?))
}

#[server(prefix = "/sf", endpoint = "listing_inspect")]
pub async fn run_inspection() -> Result<InspectionView, AppError> {
    let (app, _) = guard::require_user().await?;
    let report = inspector::run(&app.listing, "manual").await?;
    app.listing.wake();
    Ok(view_of(Some(report)))
}

#[server(prefix = "/sf", endpoint = "listing_commercial_csv")]
pub async fn commercial_csv(table: String) -> Result<Vec<Outcome>, AppError> {
    let (app, user) = guard::require_user().await?;
    crate::ozon::listing::pipeline::bulk::apply(&app.listing, &app.drafts, &table, &user.name)
        .await
        .map_err(|why| AppError::Invalid(why).respond())
}

/// `GET /ozon/listing/inspection.csv`: the latest report, signed-in users only.
#[cfg(feature = "ssr")]
pub fn router() -> axum::Router<crate::server::state::AppState> {
    axum::Router::new().route(
        "/ozon/listing/inspection.csv",
        axum::routing::get(report_csv),
    )
}

#[cfg(feature = "ssr")]
async fn report_csv(
    axum::extract::State(state): axum::extract::State<crate::server::state::AppState>,
    session: tower_sessions::Session,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let text = |status: StatusCode, m: &str| {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            m.to_string(),
        )
            .into_response()
    };
    if guard::user_from_session(&state.pool, &session)
        .await
        .is_none()
    {
        return text(StatusCode::UNAUTHORIZED, "请先登录");
    }
    match inspector::latest(&state.pool).await {
        Ok(Some(report)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"reconciliation-{}.csv\"",
                        report.run_at
                    ),
                ),
            ],
            crate::sheet::csv::write(&inspector::rows(&report)),
        )
            .into_response(),
        Ok(None) => text(StatusCode::NOT_FOUND, "还没有对账记录，请先运行一次对账"),
        Err(e) => {
            tracing::error!(error = %e, "reconciliation report read failed");
            text(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误")
        }
    }
}
