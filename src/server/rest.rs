//! The stateless REST API under `/api/v1`, authenticated by `X-API-Key`.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::state::AppState;
use crate::common::rest::rest_error;
use crate::ozon::images::rest::{download, openapi};
use crate::ui::escape_html as escape;
use crate::vault::rest_key::ApiKeyAuth;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ozon/health", get(ozon_health))
        .route("/ozon/download", post(download))
        .route("/whoami", get(whoami))
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs))
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

async fn openapi_json() -> Json<Value> {
    Json(openapi())
}

/// A readable page of the same OpenAPI document; plain HTML, no script, no network.
async fn docs() -> Response {
    let spec = openapi();
    let mut body = String::new();
    body.push_str(&format!(
        "<h1 class=\"text-2xl font-semibold\">{} {}</h1><p class=\"my-2 text-slate-600\">{}</p>\
         <p class=\"my-2\"><a class=\"text-blue-700 underline\" href=\"/api/v1/openapi.json\">openapi.json</a></p>",
        escape(spec["info"]["title"].as_str().unwrap_or("")),
        escape(spec["info"]["version"].as_str().unwrap_or("")),
        escape(spec["info"]["description"].as_str().unwrap_or("")),
    ));
    if let Some(paths) = spec["paths"].as_object() {
        for (path, methods) in paths {
            let Some(methods) = methods.as_object() else {
                continue;
            };
            for (method, op) in methods {
                body.push_str(&format!(
                    "<section class=\"my-6 rounded border border-slate-200 bg-white p-4\">\
                     <h2 class=\"font-mono text-lg\"><span class=\"font-bold\">{}</span> {}</h2>\
                     <p class=\"my-1\">{}</p><p class=\"my-1 text-slate-600\">{}</p>",
                    method.to_uppercase(),
                    escape(path),
                    escape(op["summary"].as_str().unwrap_or("")),
                    escape(op["description"].as_str().unwrap_or("")),
                ));
                if let Some(responses) = op["responses"].as_object() {
                    body.push_str("<ul class=\"my-2 list-disc pl-6\">");
                    for (status, res) in responses {
                        body.push_str(&format!(
                            "<li><code>{}</code> {}</li>",
                            escape(status),
                            escape(res["description"].as_str().unwrap_or(""))
                        ));
                    }
                    body.push_str("</ul>");
                }
                body.push_str("</section>");
            }
        }
    }
    let schemas = serde_json::to_string_pretty(&spec["components"]["schemas"]).unwrap_or_default();
    body.push_str(&format!(
        "<h2 class=\"mt-6 text-xl font-semibold\">数据结构</h2>\
         <pre class=\"overflow-x-auto rounded bg-slate-900 p-4 text-xs text-slate-100\">{}</pre>",
        escape(&schemas)
    ));
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>ShopBridge REST API</title><link rel=\"stylesheet\" href=\"/pkg/shopbridge.css\">\
         </head><body class=\"bg-slate-50\"><main class=\"mx-auto max-w-4xl p-6\">{body}</main></body></html>"
    );
    ([(header::CACHE_CONTROL, "no-cache")], Html(page)).into_response()
}

async fn not_found() -> Response {
    rest_error(StatusCode::NOT_FOUND, "NOT_FOUND", "没有这个接口")
}
