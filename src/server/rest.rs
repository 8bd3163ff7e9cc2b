//! The stateless REST API under `/api/v1`, authenticated by `X-API-Key`.

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::state::AppState;
use crate::vault::api_keys::{rest_error, ApiKeyAuth};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ozon/health", get(ozon_health))
        .route("/whoami", get(whoami))
        .fallback(not_found)
}

async fn ozon_health() -> Json<serde_json::Value> {
    Json(json!({
        "status": "healthy",
        "plugin": "ozon-download",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// Lets an integrator check a key: which key this is, nothing more.
async fn whoami(auth: ApiKeyAuth) -> Json<serde_json::Value> {
    Json(json!({"success": true, "data": {"key": auth.name}}))
}

async fn not_found() -> Response {
    rest_error(StatusCode::NOT_FOUND, "NOT_FOUND", "没有这个接口")
}
