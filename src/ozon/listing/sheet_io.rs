//! Spreadsheet import and export of drafts, against the cache and the drafts table: the
//! template of a type (with its dictionaries), the export, and the import that keeps the file
//! and reports row by row. Routes for the downloads are at the end.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use sqlx::SqlitePool;
use tower_sessions::Session;

use super::cache::{self, CacheError};
use super::sheet::{columns, draft_of, normalized, row_of, shape_attributes, Column, FIELD_HINTS};
use super::{drafts, AttributeSpec, Draft, ImportReport, RowOutcome, RowStatus, MAX_SHEET_BYTES};
use crate::ozon::client::OzonCredentials;
use crate::server::db::now_unix;
use crate::server::state::AppState;
use crate::sheet::{read_table, Format};

/// Most data rows in one file.
pub const MAX_ROWS: usize = 2000;
/// Most dictionary values listed per attribute on the template's 字典值 sheet.
const MAX_LISTED_VALUES: usize = 5000;

type Sheets = Vec<(&'static str, Vec<Vec<String>>)>;

/// The template of a (category, type): the header, one row with the type filled in, the
/// type's dictionaries and a sheet of hints.
pub async fn template(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    (category_id, type_id): (i64, i64),
) -> Result<Sheets, CacheError> {
    let specs = cache::attributes(
        &state.pool,
        &state.ozon,
        credential_id,
        creds,
        category_id,
        type_id,
    )
    .await?;
    let cols = columns(&specs);
    let example = Draft {
        description_category_id: Some(category_id),
        type_id: Some(type_id),
        dimension_unit: "mm".into(),
        weight_unit: "g".into(),
        ..Draft::default()
    };
    let mut dictionary = vec![vec![
        "属性ID".into(),
        "属性".into(),
        "值ID".into(),
        "值".into(),
    ]];
    for spec in specs.iter().filter(|s| s.dictionary_id > 0) {
        let values = cache::values(
            &state.pool,
            &state.ozon,
            credential_id,
            creds,
            (spec.id, category_id, type_id),
            cache::MAX_VALUES_PAGE,
        )
        .await?;
        let listed = values.len().min(MAX_LISTED_VALUES);
        for (id, value) in values.into_iter().take(listed) {
            dictionary.push(vec![
                spec.id.to_string(),
                spec.name.clone(),
                id.to_string(),
                value,
            ]);
        }
    }
    let path: Option<String> = sqlx::query_scalar(
        "SELECT path FROM catalog_nodes WHERE credential_id = ? AND category_id = ? AND type_id = ?",
    )
    .bind(credential_id)
    .bind(category_id)
    .bind(type_id)
    .fetch_optional(&state.pool)
    .await?;
    let mut hints = vec![
        vec!["列".into(), "说明".into()],
        vec![
            "类型".into(),
            format!(
                "{}（类目ID {category_id}，类型ID {type_id}）",
                path.unwrap_or_default()
            ),
        ],
        vec![
            "*".into(),
            "带 * 的列为必填；每行一个商品，按货号新建或更新草稿".into(),
        ],
    ];
    hints.extend(
        FIELD_HINTS
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string()]),
    );
    for spec in &specs {
        let mut kind = spec.kind.clone();
        if spec.is_collection {
            kind.push_str("，多值");
        }
        if spec.dictionary_id > 0 {
            kind.push_str("，字典");
        }
        hints.push(vec![format!("{} [{}]", spec.name, spec.id), kind]);
    }
    Ok(vec![
        ("商品", vec![header_of(&cols), row_of(&cols, &example)]),
        ("字典值", dictionary),
        ("说明", hints),
    ])
}

fn header_of(cols: &[Column]) -> Vec<String> {
    cols.iter().map(Column::header).collect()
}

/// Every draft (of one type, when given) with its credential, in offer_id order.
async fn stored_drafts(
    pool: &SqlitePool,
    pair: Option<(i64, i64)>,
) -> sqlx::Result<Vec<(i64, Draft)>> {
    let rows: Vec<(Option<i64>, String)> =
        sqlx::query_as("SELECT credential_id, data FROM listing_drafts ORDER BY offer_id")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(c, data)| {
            (
                c.unwrap_or_default(),
                serde_json::from_str::<Draft>(&data).unwrap_or_default(),
            )
        })
        .filter(|(_, d)| pair.is_none_or(|p| d.description_category_id.zip(d.type_id) == Some(p)))
        .collect())
}

/// The drafts as the template's first sheet: fixed columns, then every attribute the types
/// of the drafts have (names from the cache), then any other attribute a draft carries.
pub async fn export(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    pair: Option<(i64, i64)>,
) -> Result<Sheets, CacheError> {
    let drafts = stored_drafts(&state.pool, pair).await?;
    let mut specs: Vec<AttributeSpec> = Vec::new();
    let mut seen = HashSet::new();
    let pairs: Vec<(i64, i64)> = {
        let mut p: Vec<(i64, i64)> = drafts
            .iter()
            .filter_map(|(_, d)| d.description_category_id.zip(d.type_id))
            .collect();
        p.extend(pair);
        p.sort_unstable();
        p.dedup();
        p
    };
    for (category_id, type_id) in pairs {
        if !cache::pair_known(&state.pool, credential_id, category_id, type_id).await? {
            continue;
        }
        for spec in cache::attributes(
            &state.pool,
            &state.ozon,
            credential_id,
            creds,
            category_id,
            type_id,
        )
        .await?
        {
            if seen.insert(spec.id) {
                specs.push(spec);
            }
        }
    }
    for (_, d) in &drafts {
        for a in &d.attributes {
            if seen.insert(a.id) {
                specs.push(AttributeSpec {
                    id: a.id,
                    name: "属性".into(),
                    ..AttributeSpec::default()
                });
            }
        }
    }
    let cols = columns(&specs);
    let mut rows = vec![header_of(&cols)];
    rows.extend(drafts.iter().map(|(_, d)| row_of(&cols, d)));
    Ok(vec![("商品", rows)])
}

async fn keep_file(
    pool: &SqlitePool,
    credential_id: i64,
    file_name: &str,
    bytes: &[u8],
    by: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO listing_imports (credential_id, file_name, content, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(credential_id)
    .bind(file_name)
    .bind(bytes)
    .bind(by)
    .bind(now_unix())
    .fetch_one(pool)
    .await
}

/// Keeps the file, then makes or updates a draft per row. One bad row never stops the rest.
pub async fn import(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    file_name: &str,
    bytes: &[u8],
    by: &str,
) -> sqlx::Result<ImportReport> {
    let file_name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let id = keep_file(&state.pool, credential_id, &file_name, bytes, by).await?;
    let mut report = ImportReport {
        id,
        file_name,
        ..ImportReport::default()
    };
    match read_table(&report.file_name, bytes, MAX_SHEET_BYTES) {
        Err(message) => report.error = Some(message),
        Ok(rows) => import_rows(state, credential_id, creds, rows, by, &mut report).await,
    }
    sqlx::query("UPDATE listing_imports SET report = ? WHERE id = ?")
        .bind(serde_json::to_string(&report).unwrap_or_default())
        .bind(id)
        .execute(&state.pool)
        .await?;
    Ok(report)
}

async fn import_rows(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    rows: Vec<Vec<String>>,
    by: &str,
    report: &mut ImportReport,
) {
    let mut rows = rows.into_iter().enumerate();
    let Some((_, header)) = rows.by_ref().find(|(_, r)| !r.is_empty()) else {
        report.error = Some("文件里没有内容".into());
        return;
    };
    let cols: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    for (h, c) in header.iter().zip(&cols) {
        if c.is_none() && !h.trim().is_empty() {
            report
                .warnings
                .push(format!("已忽略无法识别的列「{}」", h.trim()));
        }
    }
    let offer_col = cols
        .iter()
        .position(|c| c == &Some(Column::Field("offer_id")));
    if offer_col.is_none() {
        report.error = Some(
            "找不到货号列（表头应为「货号* (offer_id)」或 offer_id），请使用下载的模板".into(),
        );
        return;
    }
    let data: Vec<(usize, Vec<String>)> = rows.filter(|(_, r)| !r.is_empty()).collect();
    if data.len() > MAX_ROWS {
        report.error = Some(format!(
            "一次最多导入 {MAX_ROWS} 行，这个文件有 {} 行，请分开上传",
            data.len()
        ));
        return;
    }
    let name_col = cols.iter().position(|c| c == &Some(Column::Field("name")));
    let blank = |row: &[String], col: Option<usize>| {
        col.and_then(|i| row.get(i))
            .is_none_or(|c| c.trim().is_empty())
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut facts = Facts::default();
    for (index, row) in data {
        let row_no = index + 1;
        // A row with neither 货号 nor 名称 is the template's example or an unused row.
        if blank(&row, offer_col) && blank(&row, name_col) {
            continue;
        }
        let outcome = import_row(
            state,
            credential_id,
            creds,
            &cols,
            &row,
            by,
            &mut seen,
            &mut facts,
            row_no,
        )
        .await;
        report.rows.push(outcome);
    }
}

/// Attributes and dictionaries looked up once per import.
#[derive(Default)]
struct Facts {
    specs: HashMap<(i64, i64), Vec<AttributeSpec>>,
    dictionaries: HashMap<(i64, i64, i64), Vec<(i64, String)>>,
}

#[allow(clippy::too_many_arguments)]
async fn import_row(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    cols: &[Option<Column>],
    row: &[String],
    by: &str,
    seen: &mut HashMap<String, usize>,
    facts: &mut Facts,
    row_no: usize,
) -> RowOutcome {
    let rejected = |offer_id: String, reason: String| RowOutcome {
        row: row_no,
        offer_id,
        status: RowStatus::Rejected,
        reason,
        problems: Vec::new(),
    };
    let mut draft = match draft_of(cols, row) {
        Ok(d) => d,
        Err(reason) => {
            let offer = cols
                .iter()
                .position(|c| c == &Some(Column::Field("offer_id")))
                .and_then(|i| row.get(i))
                .cloned()
                .unwrap_or_default();
            return rejected(offer, reason);
        }
    };
    if let Some(first) = seen.get(&draft.offer_id) {
        return rejected(
            draft.offer_id.clone(),
            format!("货号与第 {first} 行重复，本行未导入"),
        );
    }
    seen.insert(draft.offer_id.clone(), row_no);
    if let Err(err) = shape(state, credential_id, creds, &mut draft, facts).await {
        return rejected(draft.offer_id.clone(), format!("读取类目缓存失败：{err}"));
    }
    let existing = match drafts::find(&state.pool, &draft.offer_id).await {
        Ok(found) => found,
        Err(err) => return rejected(draft.offer_id.clone(), format!("数据库错误：{err}")),
    };
    if let Some((cred, old, problems, _)) = &existing {
        if *cred == credential_id && normalized(old) == normalized(&draft) {
            return RowOutcome {
                row: row_no,
                offer_id: draft.offer_id,
                status: RowStatus::Unchanged,
                reason: String::new(),
                problems: problems.clone(),
            };
        }
    }
    match drafts::save_checked(state, credential_id, creds, &draft, by).await {
        Ok(problems) => RowOutcome {
            row: row_no,
            offer_id: draft.offer_id,
            status: if existing.is_some() {
                RowStatus::Updated
            } else {
                RowStatus::Created
            },
            reason: String::new(),
            problems,
        },
        Err(err) => rejected(draft.offer_id.clone(), format!("保存失败：{err}")),
    }
}

/// Splits collections and maps dictionary texts to ids, for a type the cache knows.
async fn shape(
    state: &AppState,
    credential_id: i64,
    creds: &OzonCredentials,
    draft: &mut Draft,
    facts: &mut Facts,
) -> Result<(), CacheError> {
    let Some(pair @ (category_id, type_id)) = draft.description_category_id.zip(draft.type_id)
    else {
        return Ok(());
    };
    if let Entry::Vacant(slot) = facts.specs.entry(pair) {
        let specs = if cache::pair_known(&state.pool, credential_id, category_id, type_id).await? {
            cache::attributes(
                &state.pool,
                &state.ozon,
                credential_id,
                creds,
                category_id,
                type_id,
            )
            .await?
        } else {
            Vec::new()
        };
        slot.insert(specs);
    }
    let specs = facts.specs.get(&pair).cloned().unwrap_or_default();
    let mut dictionaries = HashMap::new();
    for spec in specs.iter().filter(|s| s.dictionary_id > 0) {
        if !draft.attributes.iter().any(|a| a.id == spec.id) {
            continue;
        }
        let key = (spec.id, category_id, type_id);
        if let Entry::Vacant(slot) = facts.dictionaries.entry(key) {
            let values = cache::values(
                &state.pool,
                &state.ozon,
                credential_id,
                creds,
                key,
                cache::MAX_VALUES_PAGE,
            )
            .await?;
            slot.insert(values);
        }
        if let Some(values) = facts.dictionaries.get(&key) {
            dictionaries.insert(spec.id, values.clone());
        }
    }
    shape_attributes(draft, &specs, &dictionaries);
    Ok(())
}

// ---- downloads ----

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
    match template(&state, credential_id, &creds, pair).await {
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
    match export(&state, credential_id, &creds, pair).await {
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
    let row: Result<Option<(String, Vec<u8>)>, _> =
        sqlx::query_as("SELECT file_name, content FROM listing_imports WHERE id = ?")
            .bind(id)
            .fetch_optional(&state.pool)
            .await;
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
