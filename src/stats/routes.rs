//! `GET /stats/{daily,products,sources}.csv?days=N`: the 统计 tables as CSV, signed-in users only.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::server::state::AppState;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/stats/{file}", axum::routing::get(csv))
}

#[derive(Deserialize)]
struct Period {
    days: Option<i64>,
}

fn text(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

async fn csv(
    State(state): State<AppState>,
    session: Session,
    Path(file): Path<String>,
    Query(period): Query<Period>,
) -> Response {
    if crate::auth::guard::user_from_session(&state.pool, &session)
        .await
        .is_none()
    {
        return text(StatusCode::UNAUTHORIZED, "请先登录");
    }
    let days = period.days.unwrap_or(30);
    if !super::PERIODS.contains(&days) {
        return text(StatusCode::BAD_REQUEST, "统计周期只能是 7、30 或 90 天");
    }
    let Some(table) = file.strip_suffix(".csv") else {
        return text(StatusCode::NOT_FOUND, "没有这个表");
    };
    let view = match super::store::view(&state.pool, crate::common::clock::now_unix(), days).await {
        Ok(view) => view,
        Err(e) => {
            tracing::error!(error = %e, "stats read failed");
            return text(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误");
        }
    };
    match super::store::csv_rows(&view, table) {
        Some(rows) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"stats-{table}-{days}d.csv\""),
                ),
            ],
            crate::sheet::csv::write(&rows),
        )
            .into_response(),
        None => text(StatusCode::NOT_FOUND, "没有这个表"),
    }
}
