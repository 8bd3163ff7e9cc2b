//! The REST door's envelope, shared by every `/api/v1` handler.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// The REST failure envelope: `{success:false, data:null, error:"CODE: message"}`.
pub fn rest_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({
        "success": false,
        "data": null,
        "error": format!("{code}: {message}"),
    });
    (status, Json(body)).into_response()
}
