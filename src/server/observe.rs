//! What a load balancer and an operator see of a node: a request id on every request and in
//! every log line of it, latency recorded per route, `/readyz` (can this node take traffic?)
//! and `/metrics` (Prometheus text format, `common/metrics.rs`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::state::AppState;
use crate::common::metrics::{self, AccountLabels, QueueLabels};

pub const REQUEST_ID: &str = "x-request-id";

/// The request's id, in its extensions for the tracing span and handlers.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// A proxy's id is kept when it looks like one (≤ 64 of `[A-Za-z0-9._-]`), else a new one:
/// a per-process random prefix and a counter, unique across nodes and restarts.
fn request_id(incoming: Option<&HeaderValue>) -> String {
    if let Some(id) = incoming.and_then(|v| v.to_str().ok()) {
        if !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        {
            return id.to_string();
        }
    }
    static PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        format!("{:08x}", OsRng.next_u32())
    });
    format!("{prefix}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Outermost: gives the request its id (before the tracing span opens), answers it in
/// `x-request-id`, and records the latency under the route's label.
pub async fn identify(mut req: Request, next: Next) -> Response {
    let id = request_id(req.headers().get(REQUEST_ID));
    if let Ok(value) = HeaderValue::from_str(&id) {
        req.headers_mut().insert(REQUEST_ID, value);
    }
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let mut res = next.run(req).await;
    let status = res.status().as_u16();
    let route = if status == 404 {
        "(unmatched)".to_string()
    } else {
        metrics::route_label(&path)
    };
    metrics::record_request(&route, &method, status, started.elapsed().as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    res
}

/// 200 when this node can take traffic: the database answers and it is not stopping.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let db = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&state.pool)
        .await;
    let ready = state.readiness.is_ready();
    match (db, ready) {
        (Ok(_), true) => Json(serde_json::json!({"status": "ready"})).into_response(),
        (Ok(_), false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "draining"})),
        )
            .into_response(),
        (Err(err), _) => {
            tracing::error!(error = %err, "readiness check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "database unavailable"})),
            )
                .into_response()
        }
    }
}

/// `/metrics`: with `SHOPBRIDGE_METRICS_TOKEN` set, for `Authorization: Bearer <token>` only;
/// without it, for direct loopback clients only (not through a proxy that adds
/// X-Forwarded-For), since queue depths and shop names are the company's business.
pub async fn metrics_page(State(state): State<AppState>, req: Request) -> Response {
    let allowed = match state.config.metrics_token.as_ref() {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                use subtle::ConstantTimeEq;
                bool::from(given.as_bytes().ct_eq(token.expose().as_bytes()))
            }),
        None => {
            let loopback = req
                .extensions()
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .is_some_and(|c| c.0.ip().is_loopback());
            loopback && !req.headers().contains_key("x-forwarded-for")
        }
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({"code": "forbidden", "message": "无权读取监控指标"})),
        )
            .into_response();
    }
    if let Err(err) = fill_gauges(&state).await {
        tracing::warn!(error = %err, "metrics: gauges not read");
    }
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        metrics::render(),
    )
        .into_response()
}

/// Queue depths and the age of each queue's oldest waiting job, and token expiry per account.
async fn fill_gauges(state: &AppState) -> sqlx::Result<()> {
    let now = crate::common::clock::now_unix();
    let m = metrics::metrics();
    let queues: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT 'listing_' || kind, COUNT(*), MIN(CASE WHEN status = 'queued' THEN created_at END) \
         FROM listing_jobs WHERE status IN ('queued', 'running') GROUP BY kind \
         UNION ALL SELECT 'images', COUNT(*), MIN(created_at) FROM image_tasks WHERE status = 'running' \
         UNION ALL SELECT 'promotions', COUNT(*), MIN(publish_at) FROM promotions \
         WHERE state IN ('scheduled', 'publishing')",
    )
    .fetch_all(&state.pool)
    .await?;
    m.queue_depth.clear();
    m.queue_oldest_seconds.clear();
    for queue in [
        "listing_media",
        "listing_import",
        "listing_commercial",
        "images",
        "promotions",
    ] {
        let found = queues.iter().find(|(q, ..)| q == queue);
        let labels = QueueLabels {
            queue: queue.into(),
        };
        m.queue_depth
            .get_or_create(&labels)
            .set(found.map_or(0, |f| f.1));
        m.queue_oldest_seconds
            .get_or_create(&labels)
            .set(found.and_then(|f| f.2).map_or(0, |t| (now - t).max(0)));
    }
    let platform_now = state.platforms.clock.now();
    let accounts: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT platform, external_id, access_expires_at FROM platform_accounts WHERE status = 'connected'",
    )
    .fetch_all(&state.pool)
    .await?;
    m.token_expires_seconds.clear();
    for (platform, account, expires) in accounts {
        m.token_expires_seconds
            .get_or_create(&AccountLabels { platform, account })
            .set(expires - platform_now);
    }
    Ok(())
}
