//! Downloads of the spreadsheets: a type's template, the drafts, and an uploaded file as it
//! came. Signed-in users only.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use crate::ozon::client::OzonCredentials;
use crate::ozon::listing::catalog::cache::{self, CacheError};
use crate::ozon::listing::sheets::import::{export, template, Sheets};
use crate::server::state::AppState;
use crate::sheet::Format;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ozon/listing/sheet/template", get(template_file))
        .route("/ozon/listing/sheet/export", get(export_file))
        .route("/ozon/listing/imports/{id}/file", get(kept_file))
}

#[derive(Deserialize)]
struct SheetQuery {
    credential_id: Option<String>,
    category_id: Option<String>,
    type_id: Option<String>,
    format: Option<String>,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

fn number(value: &Option<String>) -> Result<Option<i64>, ()> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| ()),
    }
}

/// The signed-in check, the credential and the format of a download.
async fn prepare(
    state: &AppState,
    session: &Session,
    q: &SheetQuery,
) -> Result<(i64, OzonCredentials, Format, Option<(i64, i64)>), Response> {
    if crate::auth::guard::user_from_session(&state.pool, session)
        .await
        .is_none()
    {
        return Err(refuse(StatusCode::UNAUTHORIZED, "请先登录"));
    }
    let bad = |m: &str| refuse(StatusCode::BAD_REQUEST, m);
    let format = Format::parse(q.format.as_deref().unwrap_or_default())
        .ok_or_else(|| bad("格式应为 xlsx 或 csv"))?;
    let credential_id = number(&q.credential_id)
        .ok()
        .flatten()
        .ok_or_else(|| bad("请选择 Ozon 凭证"))?;
    let category = number(&q.category_id).map_err(|_| bad("类目ID 应为数字"))?;
    let type_id = number(&q.type_id).map_err(|_| bad("类型ID 应为数字"))?;
    let (_, creds) =
        crate::vault::service::open_credential(&state.pool, &state.sealer, credential_id)
            .await
            .map_err(|e| refuse(StatusCode::NOT_FOUND, &e.to_string()))?;
    Ok((credential_id, creds, format, category.zip(type_id)))
}

fn file_response(format: Format, name: &str, sheets: &Sheets) -> Response {
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.ext()),
            ),
        ],
        format.write(sheets),
    )
        .into_response()
}

fn cache_refusal(err: CacheError) -> Response {
    tracing::warn!(error = %err, "spreadsheet download failed");
    refuse(StatusCode::BAD_GATEWAY, &format!("读取类目缓存失败：{err}"))
}

async fn template_file(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SheetQuery>,
) -> Response {
    let (credential_id, creds, format, pair) = match prepare(&state, &session, &q).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(pair) = pair else {
        return refuse(StatusCode::BAD_REQUEST, "请先选择类目和类型");
    };
    match cache::pair_known(&state.pool, credential_id, pair.0, pair.1).await {
        Ok(true) => {}
        Ok(false) => return refuse(StatusCode::NOT_FOUND, "类目缓存中没有这个类目与类型的组合"),
        Err(e) => return cache_refusal(e.into()),
    }
    match template(&state.drafts, credential_id, &creds, pair).await {
        Ok(sheets) => file_response(
            format,
            &format!("ozon-template-{}-{}", pair.0, pair.1),
            &sheets,
        ),
        Err(e) => cache_refusal(e),
    }
}

async fn export_file(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<SheetQuery>,
) -> Response {
    let (credential_id, creds, format, pair) = match prepare(&state, &session, &q).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match export(&state.drafts, credential_id, &creds, pair).await {
        Ok(sheets) => file_response(format, "ozon-drafts", &sheets),
        Err(e) => cache_refusal(e),
    }
}

/// The uploaded file exactly as it came.
async fn kept_file(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    if crate::auth::guard::user_from_session(&state.pool, &session)
        .await
        .is_none()
    {
        return refuse(StatusCode::UNAUTHORIZED, "请先登录");
    }
    let row = super::store::kept_file(&state.pool, id).await;
    match row {
        Ok(Some((name, content))) => {
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            let ext = if ext == "xlsx" { "xlsx" } else { "csv" };
            (
                [
                    (header::CONTENT_TYPE, "application/octet-stream".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"import-{id}.{ext}\""),
                    ),
                ],
                content,
            )
                .into_response()
        }
        Ok(None) => refuse(StatusCode::NOT_FOUND, "没有这个上传文件"),
        Err(e) => {
            tracing::error!(error = %e, "kept file read failed");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误")
        }
    }
}
