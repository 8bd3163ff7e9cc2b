//! SQL of the image task history.

use sqlx::AnyPool;

use super::{LookupField, ProcessOptions, TaskStatus, TaskSummary, TaskView};
use crate::common::clock::now_unix;
use crate::ui::time::format_timestamp;

/// Who started a task and with what.
pub struct NewTask<'a> {
    pub user_id: i64,
    pub username: &'a str,
    pub credential_id: i64,
    pub credential_name: &'a str,
    pub field: LookupField,
    pub options: &'a ProcessOptions,
    pub articles: &'a [String],
}

/// The new task's id and creation time.
pub async fn insert(pool: &AnyPool, task: &NewTask<'_>) -> sqlx::Result<(i64, i64)> {
    let now = now_unix();
    let articles = serde_json::to_string(task.articles).unwrap_or_else(|_| "[]".into());
    let options = serde_json::to_string(task.options).unwrap_or_else(|_| "{}".into());
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO image_tasks (user_id, username, credential_id, credential_name, field, options, \
         articles, status, total_articles, created_at, updated_at, owner) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8, $9, $10, $11) RETURNING id",
    )
    .bind(task.user_id)
    .bind(task.username)
    .bind(task.credential_id)
    .bind(task.credential_name)
    .bind(task.field.as_str())
    .bind(options)
    .bind(articles)
    .bind(task.articles.len() as i64)
    .bind(now)
    .bind(now)
    .bind(crate::common::lease::node_id())
    .fetch_one(pool)
    .await?;
    Ok((id, now))
}

/// Saves the items and counts; `finished` also stamps the end.
pub async fn save(pool: &AnyPool, view: &TaskView, finished: bool) -> sqlx::Result<()> {
    let now = now_unix();
    let items = serde_json::to_string(&view.items).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "UPDATE image_tasks SET status = $1, total_images = $2, success_images = $3, \
         failed_images = $4, items = $5, error = $6, updated_at = $7, \
         finished_at = CASE WHEN $8 THEN $9 ELSE finished_at END WHERE id = $10",
    )
    .bind(view.status.as_str())
    .bind(i64::from(view.total_images()))
    .bind(i64::from(view.success_images()))
    .bind(i64::from(view.failed_images()))
    .bind(items)
    .bind(view.error.as_deref())
    .bind(now)
    .bind(finished)
    .bind(now)
    .bind(view.id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks the task running again (retry / continue).
pub async fn reopen(pool: &AnyPool, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE image_tasks SET status = 'running', error = NULL, finished_at = NULL, \
         updated_at = $1, owner = $3 WHERE id = $2 AND status != 'running'",
    )
    .bind(now_unix())
    .bind(id)
    .bind(crate::common::lease::node_id())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Tasks still `running` that were cut off by a stop: at start-up on SQLite (one node) every
/// one; with nodes sharing PostgreSQL (at start-up and every minute) those whose node holds no
/// live `node:` lease — it stopped.
pub async fn mark_interrupted(pool: &AnyPool) -> sqlx::Result<u64> {
    let now = now_unix();
    let orphans_only = match crate::server::db::backend(pool) {
        crate::server::db::Backend::Sqlite => 0,
        crate::server::db::Backend::Postgres => 1,
    };
    let done = sqlx::query(
        "UPDATE image_tasks SET status = 'interrupted', \
         error = '服务重启，任务中断；点“继续”只下载缺少的图片', updated_at = $1 \
         WHERE status = 'running' AND ($2 = 0 OR NOT EXISTS (SELECT 1 FROM leases l \
           WHERE l.name = 'node:' || image_tasks.owner AND l.expires_at > $1))",
    )
    .bind(now)
    .bind(orphans_only)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    credential_id: Option<i64>,
    credential_name: String,
    field: String,
    options: String,
    articles: String,
    status: String,
    total_articles: i64,
    total_images: i64,
    success_images: i64,
    failed_images: i64,
    items: String,
    error: Option<String>,
    created_at: i64,
    finished_at: Option<i64>,
}

const COLUMNS: &str = "id, username, credential_id, credential_name, field, options, articles, \
                       status, total_articles, total_images, success_images, failed_images, \
                       items, error, created_at, finished_at";

pub async fn recent(pool: &AnyPool, limit: i64) -> sqlx::Result<Vec<TaskSummary>> {
    let rows = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS} FROM image_tasks ORDER BY created_at DESC, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TaskSummary {
            id: r.id,
            username: r.username,
            credential_name: r.credential_name,
            status: TaskStatus::parse(&r.status),
            total_articles: r.total_articles as u32,
            total_images: r.total_images as u32,
            success_images: r.success_images as u32,
            failed_images: r.failed_images as u32,
            created_at: format_timestamp(r.created_at),
        })
        .collect())
}

/// The task and the credential it used (if that still exists). A row whose JSON columns do
/// not parse is an error, not an empty task.
pub async fn find(pool: &AnyPool, id: i64) -> sqlx::Result<Option<(TaskView, Option<i64>)>> {
    let row = sqlx::query_as::<_, Row>(&format!("SELECT {COLUMNS} FROM image_tasks WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let view = TaskView {
        id: r.id,
        username: r.username,
        credential_name: r.credential_name,
        field: LookupField::parse(&r.field).unwrap_or_default(),
        options: column(&r.options)?,
        articles: column(&r.articles)?,
        status: TaskStatus::parse(&r.status),
        error: r.error,
        created_at: format_timestamp(r.created_at),
        finished_at: r.finished_at.map(format_timestamp),
        items: column(&r.items)?,
    };
    Ok(Some((view, r.credential_id)))
}

/// A JSON column, or a decode error naming what broke.
fn column<T: serde::de::DeserializeOwned>(text: &str) -> sqlx::Result<T> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
