//! Server functions of the 推广 pages. Publishing and deleting refuse to run without the
//! user's confirmation flag (是否同步 / 是否删除), and are audited with who confirmed.

use leptos::prelude::*;

use super::{PromotionDetail, PromotionForm, PromotionList};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::auth::guard;

#[cfg(feature = "ssr")]
async fn audit(
    app: &crate::server::state::AppState,
    user: &crate::auth::CurrentUser,
    action: &str,
    id: i64,
    detail: &str,
) -> Result<(), AppError> {
    let actor = crate::auth::store::Actor::user(user, &guard::client_ip().await);
    crate::auth::store::append_audit(
        &app.pool,
        &actor,
        action,
        &format!("promotion:{id}"),
        detail,
    )
    .await?;
    Ok(())
}

#[cfg(feature = "ssr")]
async fn record(
    app: &crate::server::state::AppState,
    id: i64,
) -> Result<(super::store::Record, String), AppError> {
    let r = super::store::get(&app.pool, id)
        .await?
        .ok_or_else(|| AppError::Invalid("推广不存在".into()).respond())?;
    let account = app
        .platforms
        .account(r.account_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    Ok((r, account))
}

#[server(prefix = "/sf", endpoint = "promotions_list")]
pub async fn promotions_list() -> Result<PromotionList, AppError> {
    let (app, _) = guard::require_user().await?;
    Ok(super::views::list(&app.pool).await?)
}

#[server(prefix = "/sf", endpoint = "promotion_detail")]
/// `flash`: also take the last upload's result (once) from the session.
pub async fn promotion_view(id: i64, flash: bool) -> Result<Option<PromotionDetail>, AppError> {
    let (app, _) = guard::require_user().await?;
    let media = app.media.clone();
    let mut detail = super::views::detail(&app.pool, |key| media.public_url(key), id).await?;
    if !flash {
        return Ok(detail);
    }
    let session = guard::current_session().await?;
    let flash: Option<crate::platforms::routes::Flash> = session
        .remove(super::routes::FLASH_KEY)
        .await
        .ok()
        .flatten();
    if let Some(d) = detail.as_mut() {
        d.flash = flash.map(|f| (f.ok, f.message));
    }
    Ok(detail)
}

/// Saves a draft; returns its id.
#[server(prefix = "/sf", endpoint = "promotion_save")]
pub async fn promotion_save(form: PromotionForm) -> Result<i64, AppError> {
    let (app, user) = guard::require_user().await?;
    let id = super::store::save(&app.pool, &form, &user.name)
        .await
        .map_err(AppError::respond)?;
    audit(&app, &user, "promotion.save", id, &form.title).await?;
    Ok(id)
}

/// Confirms publishing (now or at its time) to the promotion's account. Refused without
/// `confirm` (the user's 是否同步 tick) or while anything required is missing.
#[server(prefix = "/sf", endpoint = "promotion_publish")]
pub async fn promotion_publish(id: i64, confirm: bool) -> Result<String, AppError> {
    let (app, user) = guard::require_user().await?;
    let (r, account) = record(&app, id).await?;
    if !confirm {
        return Err(AppError::Invalid(format!(
            "请先勾选「是否同步」，确认发布到抖音账号「{account}」"
        ))
        .respond());
    }
    if !matches!(r.state.as_str(), "draft" | "failed") {
        return Err(AppError::Invalid("这条推广已排期或已发布".into()).respond());
    }
    let problems = super::store::problems(&app.pool, &r, crate::common::clock::now_unix()).await?;
    if !problems.is_empty() {
        return Err(AppError::Invalid(format!("还不能发布：{}", problems.join("；"))).respond());
    }
    let scheduled = super::store::schedule(&app.pool, id, &user.name).await?;
    if !scheduled {
        return Err(AppError::Invalid("这条推广已排期或已发布".into()).respond());
    }
    let when = r
        .publish_at
        .map(|t| format!("于 {} ", crate::ui::time::format_timestamp(t)))
        .unwrap_or_else(|| "立即".into());
    let message = format!(
        "{} 确认{when}发布到抖音账号「{account}」（是否同步：是）",
        user.name
    );
    super::store::event(&app.pool, id, "scheduled", &message).await?;
    audit(&app, &user, "promotion.publish", id, &message).await?;
    app.promotions.wake();
    Ok(format!("已确认，将{when}发布到「{account}」"))
}

/// Takes a scheduled promotion back to draft.
#[server(prefix = "/sf", endpoint = "promotion_cancel")]
pub async fn promotion_cancel(id: i64) -> Result<String, AppError> {
    let (app, user) = guard::require_user().await?;
    let message = format!("{} 取消了排期", user.name);
    if !super::store::transition(&app.pool, id, &["scheduled"], "draft", &message).await? {
        return Err(AppError::Invalid("只有待发布的推广可以取消排期".into()).respond());
    }
    audit(&app, &user, "promotion.cancel", id, &message).await?;
    Ok("已取消排期，推广回到草稿".into())
}

/// Deletes a promotion; a published post is deleted on Douyin first. Refused without
/// `confirm` (the user's 是否删除 tick).
#[server(prefix = "/sf", endpoint = "promotion_delete")]
pub async fn promotion_delete(id: i64, confirm: bool) -> Result<String, AppError> {
    let (app, user) = guard::require_user().await?;
    let (r, account) = record(&app, id).await?;
    if !confirm {
        return Err(AppError::Invalid(format!(
            "请先勾选「是否删除」，确认从抖音账号「{account}」删除"
        ))
        .respond());
    }
    if matches!(r.state.as_str(), "scheduled" | "publishing") {
        return Err(
            AppError::Invalid("正在排期或发布中的推广不能删除，请先取消排期".into()).respond(),
        );
    }
    if r.state == "deleted" {
        return Ok("已删除".into());
    }
    // Douyin withdrew `/video/delete/` in October 2022: a post can only be deleted by its
    // owner in the Douyin app. Ours is marked withdrawn, and the user is told where to finish.
    let message = if r.item_id.is_some() {
        format!(
            "{} 确认撤下抖音账号「{account}」上的这条作品（是否删除：是）。{IN_APP}",
            user.name
        )
    } else {
        format!("{} 删除了这条推广（未在抖音发布过）", user.name)
    };
    super::store::transition(&app.pool, id, &[r.state.as_str()], "deleted", &message).await?;
    audit(&app, &user, "promotion.delete", id, &message).await?;
    Ok(if r.item_id.is_some() {
        format!("已在 ShopBridge 中撤下。{IN_APP}")
    } else {
        "已删除".into()
    })
}

/// What deleting a published post means since Douyin withdrew its delete method.
#[cfg(feature = "ssr")]
const IN_APP: &str = "抖音已于 2022 年 10 月下线删除作品的开放接口，请在抖音 App 里删除这条作品";

/// Removes one media file from a draft.
#[server(prefix = "/sf", endpoint = "promotion_media_remove")]
pub async fn promotion_media_remove(id: i64, media_id: i64) -> Result<String, AppError> {
    let (app, _) = guard::require_user().await?;
    let key = super::store::remove_draft_media(&app.pool, id, media_id).await?;
    let Some(key) = key else {
        return Err(AppError::Invalid("只能从草稿或发布失败的推广中删除素材".into()).respond());
    };
    if let Err(e) = app.media.delete(&key).await {
        tracing::warn!(error = %e, "media object not deleted");
    }
    Ok("已删除素材".into())
}

/// Reads review results and statistics back from Douyin now.
#[server(prefix = "/sf", endpoint = "promotions_readback")]
pub async fn promotions_readback() -> Result<String, AppError> {
    let (app, _) = guard::require_user().await?;
    let n = app.promotions.read_back().await?;
    Ok(format!("已从抖音刷新 {n} 条内容的数据"))
}
