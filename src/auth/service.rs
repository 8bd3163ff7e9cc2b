//! Account logic shared by server functions and the CLI: plain async Rust, no HTTP types.

use sqlx::AnyPool;

use super::store::{self, Actor};
use super::{
    password, throttle, validate_display_name, validate_new_password, validate_username,
    CurrentUser, LoginOutcome, Role,
};
use crate::error::AppError;

/// The same sentence for an unknown user, a wrong password and a disabled account.
pub const BAD_LOGIN: &str = "用户名或密码错误";

/// Checks a login. Throttled attempts are refused before any password is checked.
pub async fn authenticate(
    pool: &AnyPool,
    username: &str,
    password_text: String,
    ip: &str,
) -> Result<(LoginOutcome, Option<CurrentUser>), AppError> {
    let username = username.trim();
    if username.is_empty() || password_text.is_empty() {
        return Ok((LoginOutcome::Refused("请输入用户名和密码".into()), None));
    }
    // Over-long names cannot exist; keep them out of the attempts table too.
    let username: String = username.chars().take(64).collect();
    let since = crate::common::clock::now_unix() - throttle::WINDOW_SECS;
    let attempt =
        store::begin_login_attempt(pool, &username, ip, since, throttle::MAX_FAILURES).await?;
    let Some(attempt) = attempt else {
        let minutes = throttle::lockout_minutes(pool, &username, ip)
            .await?
            .unwrap_or(1);
        let actor = Actor {
            id: None,
            name: username.clone(),
            ip: ip.into(),
        };
        store::append_audit(pool, &actor, "login_throttled", &username, "").await?;
        let message = format!("尝试次数过多，请 {minutes} 分钟后再试");
        return Ok((LoginOutcome::Refused(message), None));
    };
    let row = store::find_user_by_name(pool, &username).await?;
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let matches = match password::verify_password(password_text, stored).await {
        Ok(matches) => matches,
        Err(err) if err.is::<password::Busy>() => {
            // Not the user's fault: the attempt does not count.
            store::drop_attempt(pool, attempt).await?;
            return Ok((
                LoginOutcome::Refused("登录的人太多，服务器正忙，请稍后再试".into()),
                None,
            ));
        }
        Err(err) => return Err(err.into()),
    };
    let user = row.filter(|r| matches && !r.disabled);
    store::settle_attempt(pool, attempt, user.is_some()).await?;
    match user {
        Some(row) => {
            store::clear_failures(pool, &username).await?;
            let user = row.current_user();
            store::append_audit(
                pool,
                &Actor::user(&user, ip),
                "login_success",
                &user.name,
                "",
            )
            .await?;
            Ok((LoginOutcome::SignedIn, Some(user)))
        }
        None => {
            let actor = Actor {
                id: None,
                name: username.clone(),
                ip: ip.into(),
            };
            store::append_audit(pool, &actor, "login_failure", &username, "").await?;
            Ok((LoginOutcome::Refused(BAD_LOGIN.into()), None))
        }
    }
}

/// Creates a user after validating every field.
pub async fn create_user(
    pool: &AnyPool,
    actor: &Actor,
    name: &str,
    display_name: &str,
    role: Role,
    password_text: String,
) -> Result<i64, AppError> {
    let name = validate_username(name).map_err(AppError::Invalid)?;
    let display_name = if display_name.trim().is_empty() {
        name.clone()
    } else {
        display_name.to_string()
    };
    let display_name = validate_display_name(&display_name).map_err(AppError::Invalid)?;
    validate_new_password(&password_text).map_err(AppError::Invalid)?;
    let hash = password::hash_password(password_text).await?;
    let id = store::insert_user(pool, &name, &display_name, role, &hash)
        .await?
        .ok_or_else(|| AppError::Invalid(format!("用户名 {name} 已存在")))?;
    let detail = format!("角色：{}", role.label());
    store::append_audit(pool, actor, "user_add", &name, &detail).await?;
    Ok(id)
}

/// Sets a new password for `target_id` (an admin's reset, a user's own change or the CLI).
pub async fn set_password(
    pool: &AnyPool,
    actor: &Actor,
    target_id: i64,
    password_text: String,
    action: &str,
) -> Result<(), AppError> {
    validate_new_password(&password_text).map_err(AppError::Invalid)?;
    let target = store::find_user_by_id(pool, target_id)
        .await?
        .ok_or_else(|| AppError::Invalid("用户不存在".into()))?;
    let hash = password::hash_password(password_text).await?;
    store::set_password_hash(pool, target_id, &hash).await?;
    store::append_audit(pool, actor, action, &target.name, "").await?;
    Ok(())
}

/// Disables or enables an account. The last active admin cannot be disabled.
pub async fn set_user_disabled(
    pool: &AnyPool,
    actor: &Actor,
    target_id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let target = store::find_user_by_id(pool, target_id)
        .await?
        .ok_or_else(|| AppError::Invalid("用户不存在".into()))?;
    if disabled && actor.id == Some(target_id) {
        return Err(AppError::Invalid("不能停用自己的账号".into()));
    }
    let is_active_admin = target.role == "admin" && !target.disabled;
    if disabled && is_active_admin && store::count_active_admins(pool).await? <= 1 {
        return Err(AppError::Invalid("不能停用最后一个管理员".into()));
    }
    store::set_disabled(pool, target_id, disabled).await?;
    let action = if disabled {
        "user_disable"
    } else {
        "user_enable"
    };
    store::append_audit(pool, actor, action, &target.name, "").await?;
    Ok(())
}

/// Checks the current password before a user changes their own.
pub async fn change_own_password(
    pool: &AnyPool,
    user: &CurrentUser,
    ip: &str,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let row = store::find_user_by_id(pool, user.id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !password::verify_password(current, Some(row.password_hash)).await? {
        return Err(AppError::Invalid("当前密码不正确".into()));
    }
    set_password(
        pool,
        &Actor::user(user, ip),
        user.id,
        new,
        "password_change",
    )
    .await
}
