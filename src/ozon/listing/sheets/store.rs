//! The uploaded spreadsheets: each file kept exactly as it came, with its report.

use sqlx::AnyPool;

use super::ImportRow;
use crate::common::clock::now_unix;
use crate::ozon::listing::ImportReport;
use crate::ui::time::format_timestamp;

/// Keeps an uploaded file; answers its id.
pub async fn keep_file(
    pool: &AnyPool,
    credential_id: i64,
    file_name: &str,
    bytes: &[u8],
    by: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO listing_imports (credential_id, file_name, content, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(credential_id)
    .bind(file_name)
    .bind(bytes)
    .bind(by)
    .bind(now_unix())
    .fetch_one(pool)
    .await
}

/// Stores the report of file `id`.
pub async fn set_report(pool: &AnyPool, id: i64, report: &ImportReport) -> sqlx::Result<()> {
    let json = serde_json::to_string(report).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("UPDATE listing_imports SET report = $1 WHERE id = $2")
        .bind(json)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Recent {
    id: i64,
    file_name: String,
    created_by: String,
    created_at: i64,
    report: Option<String>,
}

/// The latest uploads with their reports; a report that does not parse is an error. A file
/// still being read has none yet and shows an empty one.
pub async fn recent(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<ImportRow>> {
    let rows: Vec<Recent> = sqlx::query_as(
        "SELECT id, file_name, created_by, created_at, report FROM listing_imports \
         ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let report = match r.report.as_deref() {
                None => ImportReport::default(),
                Some(json) => serde_json::from_str(json).map_err(|e| {
                    sqlx::Error::Decode(
                        format!("listing_imports {}: report 不是有效的 JSON：{e}", r.id).into(),
                    )
                })?,
            };
            Ok(ImportRow {
                id: r.id,
                file_name: r.file_name,
                created_by: r.created_by,
                created_at: format_timestamp(r.created_at),
                report,
            })
        })
        .collect()
}

/// The file as it came: its name and bytes.
pub async fn kept_file(pool: &AnyPool, id: i64) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    sqlx::query_as("SELECT file_name, content FROM listing_imports WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}
