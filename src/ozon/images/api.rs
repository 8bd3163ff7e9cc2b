//! Server functions of the 图片下载 page (staff and admins). They authorise, then call
//! `service`, which runs the same pipeline as the REST door, in-process.

use leptos::prelude::*;

use super::{TaskSummary, TaskView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use super::{store, LookupField, ProcessOptions};
#[cfg(feature = "ssr")]
use crate::auth::guard;

/// Starts a task; `options` is the processing options as JSON (`{}` for none).
#[server(prefix = "/sf", endpoint = "image_task_start")]
pub async fn start_task(
    credential_id: i64,
    articles: String,
    field: String,
    options: String,
) -> Result<i64, AppError> {
    let (state, user) = guard::require_user().await?;
    let field = LookupField::parse(&field).ok_or_else(|| {
        AppError::Invalid("查询字段应为 offer_id、sku 或 vendor_code".into()).respond()
    })?;
    let options: ProcessOptions = if options.trim().is_empty() {
        ProcessOptions::default()
    } else {
        serde_json::from_str(&options)
            .map_err(|e| AppError::Invalid(format!("处理选项无效：{e}")).respond())?
    };
    state
        .image_tasks
        .start(&user, credential_id, &articles, field, options)
        .await
        .map_err(|e| AppError::from(e).respond())
}

#[server(prefix = "/sf", endpoint = "image_tasks_recent")]
pub async fn recent_tasks() -> Result<Vec<TaskSummary>, AppError> {
    let (state, _) = guard::require_user().await?;
    Ok(store::recent(&state.pool, 50).await?)
}

#[server(prefix = "/sf", endpoint = "image_task_get")]
pub async fn get_task(id: i64) -> Result<TaskView, AppError> {
    let (state, _) = guard::require_user().await?;
    state
        .image_tasks
        .view(id)
        .await
        .map_err(|e| AppError::from(e).respond())
}

/// "重试失败项" / "继续": runs only what is missing.
#[server(prefix = "/sf", endpoint = "image_task_resume")]
pub async fn resume_task(id: i64) -> Result<(), AppError> {
    let (state, user) = guard::require_user().await?;
    state
        .image_tasks
        .resume(&user, id)
        .await
        .map_err(|e| AppError::from(e).respond())
}

/// The articles in an uploaded CSV/TXT/XLSX (base64 of its bytes), for the article box.
#[server(prefix = "/sf", endpoint = "image_articles_from_file")]
pub async fn articles_from_file(name: String, data: String) -> Result<Vec<String>, AppError> {
    use base64::Engine;
    guard::require_user().await?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| AppError::Invalid("文件内容无效".into()).respond())?;
    crate::sheet::off_thread(move || super::sheet::articles_from_file(&name, &bytes))
        .await
        .map_err(|m| AppError::Invalid(m).respond())
}
