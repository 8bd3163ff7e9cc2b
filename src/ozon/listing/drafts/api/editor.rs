//! Server functions behind the editor's pictures and stock: picture checks, Cloudinary settings,
//! warehouses.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard;
#[cfg(feature = "ssr")]
use crate::vault::service::open_credential;

/// What a picture is (format, bytes, pixels, 3:4) and what Ozon will not like about it. Read
/// through the download pipeline's guarded fetcher.
#[server(prefix = "/sf", endpoint = "listing_picture_info")]
pub async fn picture_info(
    url: String,
) -> Result<crate::ozon::listing::drafts::picture::PictureInfo, AppError> {
    use crate::ozon::listing::drafts::picture::{notes, PictureInfo};
    let (state, _) = guard::require_user().await?;
    let fetched = state
        .pipeline
        .fetcher()
        .fetch(url.trim())
        .await
        .map_err(|e| AppError::Invalid(format!("无法读取图片：{e}")).respond())?;
    let format = match fetched.kind {
        crate::common::sniff::ImageKind::Jpeg => "JPEG",
        crate::common::sniff::ImageKind::Png => "PNG",
        crate::common::sniff::ImageKind::Webp => "WebP",
        crate::common::sniff::ImageKind::Gif => "GIF",
        crate::common::sniff::ImageKind::Heic => "HEIC",
    };
    let (width, height) = image::ImageReader::new(std::io::Cursor::new(&fetched.bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .unwrap_or((0, 0));
    let bytes = fetched.bytes.len() as u64;
    Ok(PictureInfo {
        format: format.into(),
        bytes,
        width,
        height,
        notes: notes(&url, format, bytes, width, height),
    })
}

/// The account's Cloudinary settings, if it uses Cloudinary.
#[server(prefix = "/sf", endpoint = "listing_cloudinary_get")]
pub async fn cloudinary_settings(
    credential_id: i64,
) -> Result<Option<crate::ozon::listing::drafts::cloudinary::CloudinarySettings>, AppError> {
    let (state, _) = guard::require_user().await?;
    Ok(super::super::store::cloudinary(&state.pool, credential_id).await?)
}

/// Sets (or, with an empty cloud name, removes) an account's Cloudinary settings; admins.
#[server(prefix = "/sf", endpoint = "listing_cloudinary_save")]
pub async fn save_cloudinary(
    credential_id: i64,
    cloud_name: String,
    folder: String,
) -> Result<(), AppError> {
    let (state, user) = guard::require_admin().await?;
    let actor = crate::auth::store::Actor::user(&user, &guard::client_ip().await);
    let exists = crate::vault::store::find_credential(&state.pool, credential_id).await?;
    let Some(account) = exists.map(|c| c.name) else {
        return Err(AppError::Invalid("凭证不存在".into()).respond());
    };
    if cloud_name.trim().is_empty() {
        super::super::store::set_cloudinary(&state.pool, credential_id, None, &user.name).await?;
        crate::auth::store::append_audit(
            &state.pool,
            &actor,
            "cloudinary_update",
            &account,
            "停用",
        )
        .await?;
        return Ok(());
    }
    let settings = crate::ozon::listing::drafts::cloudinary::CloudinarySettings {
        cloud_name: cloud_name.trim().to_string(),
        folder: folder.trim().trim_matches('/').to_string(),
    };
    settings
        .check()
        .map_err(|m| AppError::Invalid(m).respond())?;
    super::super::store::set_cloudinary(&state.pool, credential_id, Some(&settings), &user.name)
        .await?;
    let detail = format!("{} / {}", settings.cloud_name, settings.folder);
    crate::auth::store::append_audit(&state.pool, &actor, "cloudinary_update", &account, &detail)
        .await?;
    Ok(())
}

/// The account's warehouses (`/v2/warehouse/list`, every page), for the stock inputs.
#[server(prefix = "/sf", endpoint = "listing_warehouses")]
pub async fn warehouses(credential_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    use crate::ozon::client::commerce::WarehouseListRequest;
    let (state, _) = guard::require_user().await?;
    let (_, creds) = open_credential(&state.pool, &state.sealer, credential_id)
        .await
        .map_err(AppError::respond)?;
    let mut out = Vec::new();
    let mut cursor = String::new();
    for _ in 0..20 {
        let page = state
            .ozon
            .warehouses(
                &creds,
                &WarehouseListRequest {
                    cursor: cursor.clone(),
                    limit: 200,
                },
            )
            .await
            .map_err(|e| AppError::Invalid(format!("读取仓库列表失败：{e}")).respond())?;
        out.extend(
            page.warehouses
                .iter()
                .filter_map(|w| w.warehouse_id.map(|id| (id, w.name.clone()))),
        );
        if !page.has_next() || page.cursor.is_empty() || page.cursor == cursor {
            break;
        }
        cursor = page.cursor;
    }
    Ok(out)
}
