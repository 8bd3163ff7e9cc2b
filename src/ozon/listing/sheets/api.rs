//! Server functions of the spreadsheet import (the downloads are routes, `routes.rs`).

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::vault::service::open_credential;

/// Imports a spreadsheet (base64 of its bytes): the file is kept, every row becomes or
/// updates a draft, and the report says what happened to each row.
#[server(prefix = "/sf", endpoint = "listing_sheet_import")]
pub async fn import_sheet(
    credential_id: i64,
    name: String,
    data: String,
) -> Result<crate::ozon::listing::ImportReport, AppError> {
    use base64::Engine;
    let (state, user) = guard::require_user().await?;
    if data.len() > crate::ozon::listing::MAX_SHEET_BYTES / 3 * 4 + 8 {
        return Err(AppError::Invalid(format!(
            "文件过大（最大 {} MB）",
            crate::ozon::listing::MAX_SHEET_BYTES / 1024 / 1024
        ))
        .respond());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| AppError::Invalid("文件内容无效".into()).respond())?;
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    let report = crate::ozon::listing::sheets::import::import(
        &state.drafts,
        credential_id,
        &creds,
        &name,
        &bytes,
        &user.name,
    )
    .await?;
    let actor = crate::auth::store::Actor::user(&user, &guard::client_ip().await);
    let summary = format!(
        "新建 {}，更新 {}，无变化 {}，未导入 {}",
        report.count(crate::ozon::listing::RowStatus::Created),
        report.count(crate::ozon::listing::RowStatus::Updated),
        report.count(crate::ozon::listing::RowStatus::Unchanged),
        report.count(crate::ozon::listing::RowStatus::Rejected)
    );
    let target = report.file_name.clone();
    crate::auth::store::append_audit(&state.pool, &actor, "listing_import", &target, &summary)
        .await?;
    Ok(report)
}

pub use super::ImportRow;

/// The latest uploads with their reports.
#[server(prefix = "/sf", endpoint = "listing_imports_recent")]
pub async fn recent_imports() -> Result<Vec<ImportRow>, AppError> {
    let (state, _) = guard::require_user().await?;
    Ok(super::store::recent(&state.pool, 10).await?)
}
