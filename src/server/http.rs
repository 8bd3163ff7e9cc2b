//! The HTTP stack: Leptos pages and server functions, plain routes, and the middleware every
//! request passes (tracing span, security headers, cross-site refusal, sign-in gate).

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::state::AppState;
use crate::app::{shell, App};
use crate::auth::guard::user_from_session;
use crate::auth::is_admin_path;

pub const SESSION_COOKIE: &str = "shopbridge_session";

/// Builds the whole application router around `state`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let sessions =
        SessionManagerLayer::new(crate::auth::sessions::DbSessions::new(state.pool.clone()))
            .with_name(SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(state.config.is_https())
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                state.config.session_idle_minutes,
            )));

    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(super::observe::readyz))
        .route("/metrics", get(super::observe::metrics_page))
        .route("/logout", post(logout))
        .route("/media/{*key}", get(media))
        .merge(crate::ozon::images::routes::router())
        .merge(crate::ozon::listing::sheets::routes::router())
        .merge(crate::ozon::listing::tools::api::router())
        .merge(crate::platforms::routes::router())
        .merge(crate::stats::routes::router())
        .merge(crate::promotions::routes::router())
        .nest("/api/v1", super::rest::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), gate_pages))
        .layer(middleware::from_fn(cap_body))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(middleware::from_fn(super::observe::identify))
        .with_state(state)
}

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        Ok(_) => Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            let body = serde_json::json!({"status": "unavailable"});
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

/// Stored media, read-only, from whichever store is configured (public, like an R2 bucket).
async fn media(
    State(state): State<AppState>,
    axum::extract::Path(key): axum::extract::Path<String>,
) -> Response {
    if key.split('/').any(|part| part.is_empty() || part == "..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    match state.media.get(&key).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, crate::storage::content_type_of(&key)),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(object_store::Error::NotFound { .. }) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "media read failed");
            StatusCode::NOT_FOUND.into_response()
        }
    }
}

/// The largest request body: a 10 MB picture or a 4 MB spreadsheet, base64 in a form.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Refuses a declared body past the limit with a reason, before anything reads it; a body
/// without a length (chunked) is cut off at the limit as it is read, so no handler — server
/// function, upload or REST — ever holds more.
async fn cap_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let path = request.uri().path();
    let limit = if path.starts_with("/promotions/") && path.ends_with("/media") {
        crate::promotions::routes::MAX_UPLOAD_BYTES
    } else {
        MAX_BODY_BYTES
    };
    if declared.is_some_and(|n| n > limit) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let streams = limit != MAX_BODY_BYTES;
    let body = if declared.is_none() && !streams {
        // Chunked: read it here, up to the limit, so the answer past it is a clear 413 whoever
        // the handler is (a server function would only see a broken body).
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => Body::from(bytes),
            Err(err) => {
                let cut = std::error::Error::source(&err)
                    .is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
                if cut {
                    return too_large(limit);
                }
                return (StatusCode::BAD_REQUEST, "请求体读取失败").into_response();
            }
        }
    } else {
        // The media upload streams; the cut-off still holds while it reads.
        Body::new(http_body_util::Limited::new(body, limit))
    };
    next.run(Request::from_parts(parts, body)).await
}

fn too_large(limit: usize) -> Response {
    let error =
        crate::error::AppError::Invalid(format!("请求过大（最大 {} MB）", limit / (1024 * 1024)));
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(serde_json::to_value(&error).unwrap_or_default()),
    )
        .into_response()
}

/// Ends the session and goes back to the login page.
async fn logout(session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "session flush failed");
    }
    Redirect::to("/login").into_response()
}

/// One span per request, named from the matched route (never the query string).
fn request_span(req: &Request<Body>) -> tracing::Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let id = req
        .extensions()
        .get::<super::observe::RequestId>()
        .map(|r| r.0.as_str())
        .unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %req.method(), route = %route)
}

const DEFAULT_CSP: &str = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; \
                           form-action 'self'; object-src 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    res
}

/// Refuses state-changing browser requests that come from another site. The REST API under
/// `/api/v1` authenticates with a key, not a cookie, so it is not subject to this.
async fn refuse_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_fetch = matches!(fetch_site, Some(site) if site != "same-origin" && site != "none");
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let foreign_origin = origin.is_some_and(|o| !state.own_origins.iter().any(|own| own == o));
    if cross_fetch || foreign_origin {
        tracing::warn!(origin = origin.unwrap_or(""), "cross-site request refused");
        let message = if foreign_origin && !cross_fetch {
            format!(
                "跨站请求已被拒绝：请求来自 {}，本站地址是 {}（若经反向代理或其他地址访问，请把 SHOPBRIDGE_PUBLIC_URL 设为浏览器里的地址）",
                origin.unwrap_or(""),
                state.config.public_url
            )
        } else {
            "跨站请求已被拒绝".to_string()
        };
        let body = serde_json::json!({
            "code": "CROSS_SITE_REQUEST",
            "message": message,
        });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    next.run(req).await
}

/// Paths anyone may load without signing in.
fn is_public_path(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/healthz" | "/readyz" | "/metrics" | "/favicon.ico" | "/logout"
    ) || ["/pkg/", "/sf/", "/api/", "/media/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Full page loads: anonymous visitors go to /login, signed-in users skip it, and staff get
/// 403 on admin pages. Server functions check again on their own.
async fn gate_pages(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let page_load = matches!(*req.method(), Method::GET | Method::HEAD);
    if !page_load || (is_public_path(&path) && path != "/login") {
        return next.run(req).await;
    }
    let user = user_from_session(&state.pool, &session).await;
    if let Some(user) = &user {
        req.extensions_mut()
            .insert(crate::auth::guard::SignedIn(user.clone()));
    }
    match (user, path.as_str()) {
        (None, "/login") => next.run(req).await,
        (None, _) => Redirect::to("/login").into_response(),
        (Some(_), "/login") => Redirect::to("/").into_response(),
        (Some(user), _) if is_admin_path(&path) && !user.is_admin() => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        (Some(_), _) => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_assets_and_endpoints_are_public() {
        assert!(is_public_path("/pkg/shopbridge.wasm"));
        assert!(is_public_path("/sf/login"));
        assert!(!is_public_path("/users"));
        assert!(!is_public_path("/"));
    }
}
