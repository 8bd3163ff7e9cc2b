//! Staff accounts: login and logout, sessions, users, roles, the audit log.
//!
//! Types here are shared by the server and the browser, so the form and the server agree on
//! what a valid name or password is.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod throttle;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value.trim() {
            "admin" => Some(Role::Admin),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => crate::ui::text::ROLE_ADMIN,
            Role::Staff => crate::ui::text::ROLE_STAFF,
        }
    }
}

/// The signed-in user, as pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// One row of the admin user list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
}

/// One row of the audit log page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// What a login attempt came to. Refusals are expected outcomes, not errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginOutcome {
    SignedIn,
    Refused(String),
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A user name: 2–32 of ASCII letters, digits, `.`, `_`, `-`.
pub fn validate_username(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("用户名不能为空".into());
    }
    let len = name.chars().count();
    if !(2..=32).contains(&len) {
        return Err("用户名长度应为 2 到 32 个字符".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("用户名只能包含英文字母、数字、点、下划线和连字符".into());
    }
    Ok(name.to_string())
}

/// A display name: 1–50 characters, no control characters.
pub fn validate_display_name(display: &str) -> Result<String, String> {
    let display = display.trim();
    if display.is_empty() {
        return Err("显示名称不能为空".into());
    }
    if display.chars().count() > 50 {
        return Err("显示名称最多 50 个字符".into());
    }
    if display.chars().any(char::is_control) {
        return Err("显示名称不能包含控制字符".into());
    }
    Ok(display.to_string())
}

/// A new password: 10–128 characters.
pub fn validate_new_password(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS {
        return Err(format!("密码至少需要 {PASSWORD_MIN_CHARS} 个字符"));
    }
    if len > PASSWORD_MAX_CHARS {
        return Err(format!("密码最多 {PASSWORD_MAX_CHARS} 个字符"));
    }
    Ok(())
}

/// Pages only admins may open. The server answers 403 on them for staff.
pub const ADMIN_PATHS: &[&str] = &["/users", "/audit", "/platforms/apps", "/api-keys"];

pub fn is_admin_path(path: &str) -> bool {
    ADMIN_PATHS.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// The signed-in user, loaded once per page load and shared through context.
pub type Me = leptos::prelude::Resource<Result<Option<CurrentUser>, crate::error::AppError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(validate_username("  alice ").as_deref(), Ok("alice"));
        assert!(validate_username("").is_err());
        assert!(validate_username("a").is_err());
        assert!(validate_username("../etc/passwd").is_err());
        assert!(validate_username("<script>").is_err());
        assert!(validate_username(&"x".repeat(33)).is_err());
        assert!(validate_username("张三").is_err());
    }

    #[test]
    fn display_names_allow_chinese_but_not_control_chars() {
        assert_eq!(validate_display_name("张三").as_deref(), Ok("张三"));
        assert!(validate_display_name("a\u{0}b").is_err());
        assert!(validate_display_name(&"字".repeat(51)).is_err());
        assert!(validate_display_name("   ").is_err());
    }

    #[test]
    fn passwords_need_ten_chars() {
        assert!(validate_new_password("123456789").is_err());
        assert!(validate_new_password("1234567890").is_ok());
        assert!(validate_new_password("密码密码密码密码密码").is_ok());
        assert!(validate_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Admin, Role::Staff] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
