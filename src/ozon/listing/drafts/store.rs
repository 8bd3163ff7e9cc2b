//! The drafts' SQL: one row per `offer_id`, the draft and its problems as JSON. A row whose JSON
//! does not parse is an error naming the draft, never a default.

use serde::de::DeserializeOwned;
use sqlx::AnyPool;

use super::cloudinary::CloudinarySettings as Cloudinary;
use super::SavedDraft;
use crate::common::clock::now_unix;
use crate::ozon::listing::{Draft, DraftRow, Problem};
use crate::ui::time::format_timestamp;

#[derive(sqlx::FromRow)]
struct Row {
    offer_id: String,
    credential_id: Option<i64>,
    data: String,
    problems: String,
    flag: Option<String>,
    updated_by: String,
    updated_at: i64,
}

/// A JSON column of `listing_drafts`, or a decode error naming the draft.
pub fn column<T: DeserializeOwned>(offer_id: &str, name: &str, json: &str) -> sqlx::Result<T> {
    crate::common::json::column(&format!("listing_drafts {offer_id} {name}"), json)
}

fn encode<T: serde::Serialize>(value: &T) -> sqlx::Result<String> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Saves the draft as typed and its problems, clearing any flag.
pub async fn save(
    pool: &AnyPool,
    credential_id: i64,
    draft: &Draft,
    problems: &[Problem],
    by: &str,
) -> sqlx::Result<()> {
    let now = now_unix();
    sqlx::query(
        "INSERT INTO listing_drafts (offer_id, credential_id, data, problems, flag, updated_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, NULL, $5, $6, $6) \
         ON CONFLICT (offer_id) DO UPDATE SET credential_id = excluded.credential_id, data = excluded.data, \
         problems = excluded.problems, flag = NULL, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(draft.offer_id.trim())
    .bind(credential_id)
    .bind(encode(draft)?)
    .bind(encode(&problems)?)
    .bind(by)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

const COLUMNS: &str =
    "offer_id, credential_id, data, problems, flag, updated_by, updated_at FROM listing_drafts";

pub async fn find(pool: &AnyPool, offer_id: &str) -> sqlx::Result<Option<SavedDraft>> {
    let row: Option<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} WHERE offer_id = $1"))
        .bind(offer_id)
        .fetch_optional(pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SavedDraft {
        credential_id: row.credential_id.unwrap_or_default(),
        draft: column(&row.offer_id, "data", &row.data)?,
        problems: column(&row.offer_id, "problems", &row.problems)?,
        flag: row.flag,
    }))
}

/// The newest drafts, at most 500.
pub async fn list(pool: &AnyPool) -> sqlx::Result<Vec<DraftRow>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} ORDER BY updated_at DESC, offer_id LIMIT 500"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let draft: Draft = column(&row.offer_id, "data", &row.data)?;
            let problems: Vec<Problem> = column(&row.offer_id, "problems", &row.problems)?;
            Ok(DraftRow {
                offer_id: row.offer_id,
                name: draft.name,
                problems: problems.len(),
                flag: row.flag,
                updated_by: row.updated_by,
                updated_at: format_timestamp(row.updated_at),
            })
        })
        .collect()
}

/// The account's Cloudinary settings, if it uses Cloudinary.
pub async fn cloudinary(pool: &AnyPool, credential_id: i64) -> sqlx::Result<Option<Cloudinary>> {
    sqlx::query_as("SELECT cloud_name, folder FROM cloudinary_settings WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_optional(pool)
        .await
}

/// Sets the account's Cloudinary settings (checked by the caller); `None` removes them.
pub async fn set_cloudinary(
    pool: &AnyPool,
    credential_id: i64,
    settings: Option<&Cloudinary>,
    by: &str,
) -> sqlx::Result<()> {
    let Some(s) = settings else {
        sqlx::query("DELETE FROM cloudinary_settings WHERE credential_id = $1")
            .bind(credential_id)
            .execute(pool)
            .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO cloudinary_settings (credential_id, cloud_name, folder, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (credential_id) DO UPDATE SET \
         cloud_name = excluded.cloud_name, folder = excluded.folder, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(credential_id)
    .bind(&s.cloud_name)
    .bind(&s.folder)
    .bind(by)
    .bind(now_unix())
    .execute(pool)
    .await?;
    Ok(())
}
