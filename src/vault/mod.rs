//! The secrets vault: sealed Ozon credentials, platform app secrets, REST API keys, rotation.
//!
//! Admins write secrets; staff and pipelines use them through the server, which alone opens
//! them. The types here are what the pages see: never a secret, at most its last 4 characters.

pub mod admin_pages;
pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod api_keys;
#[cfg(feature = "ssr")]
pub mod keyfile;
#[cfg(feature = "ssr")]
pub mod platforms;
#[cfg(feature = "ssr")]
pub mod rest_key;
#[cfg(feature = "ssr")]
pub mod rotate;
#[cfg(feature = "ssr")]
pub mod seal;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use serde::{Deserialize, Serialize};

/// An Ozon credential as admins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialView {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub key_last4: String,
    pub expires_at: Option<String>,
    pub expires_in_days: Option<i64>,
    pub roles: Vec<String>,
    pub last_checked_at: Option<String>,
    pub last_check_ok: Option<bool>,
    pub last_check_message: String,
}

/// An Ozon credential as staff see it: a name to choose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialName {
    pub id: i64,
    pub name: String,
    pub expires_at: Option<String>,
}

/// What "测试连接" found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectionCheck {
    Ok {
        roles: Vec<String>,
        expires_at: Option<String>,
    },
    Failed {
        reason: String,
    },
}

/// A platform's app credentials as admins see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformAppView {
    pub platform: String,
    pub label: String,
    pub key_label: String,
    pub secret_label: String,
    pub has_service_id: bool,
    pub enabled: bool,
    pub app_key: String,
    pub secret_last4: String,
    pub service_id: String,
    pub updated_by: String,
    pub updated_at: Option<String>,
    pub integrated: bool,
}

/// A REST API key row; the key itself is never shown again after creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_by: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// A credential whose Api-Key lapses soon, for the admin banner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringCredential {
    pub name: String,
    pub expires_at: String,
    pub days_left: i64,
}

/// Days before expiry at which admins are warned.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// A credential name: 1–50 characters, no control characters.
pub fn validate_credential_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("凭证名称不能为空".into());
    }
    if name.chars().count() > 50 {
        return Err("凭证名称最多 50 个字符".into());
    }
    if name.chars().any(char::is_control) {
        return Err("凭证名称不能包含控制字符".into());
    }
    Ok(name.to_string())
}

/// An Ozon Client-Id: a positive integer.
pub fn validate_client_id(value: &str) -> Result<String, String> {
    let value = value.trim();
    let ok = !value.is_empty()
        && value.len() <= 20
        && value.chars().all(|c| c.is_ascii_digit())
        && !value.trim_start_matches('0').is_empty();
    if ok {
        Ok(value.to_string())
    } else {
        Err("Client-Id 应为正整数，例如 123456".into())
    }
}

/// A secret typed by an admin (Api-Key, app secret): printable ASCII, 8–200 characters.
pub fn validate_secret_text(label: &str, value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("{label} 不能为空"));
    }
    let len = value.chars().count();
    if !(8..=200).contains(&len) {
        return Err(format!("{label} 长度应为 8 到 200 个字符"));
    }
    if !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(format!("{label} 只能包含英文字母、数字和符号，不能有空格"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_positive_integers() {
        assert_eq!(validate_client_id(" 123456 ").as_deref(), Ok("123456"));
        assert!(validate_client_id("0").is_err());
        assert!(validate_client_id("-5").is_err());
        assert!(validate_client_id("12a").is_err());
        assert!(validate_client_id("").is_err());
        assert!(validate_client_id(&"9".repeat(21)).is_err());
    }

    #[test]
    fn secrets_are_printable_and_bounded() {
        assert!(validate_secret_text("Api-Key", "d3f0c2a1-5b6e-4f70").is_ok());
        assert!(validate_secret_text("Api-Key", "short").is_err());
        assert!(validate_secret_text("Api-Key", "has space inside").is_err());
        assert!(validate_secret_text("Api-Key", "密钥密钥密钥密钥密钥").is_err());
        assert!(validate_secret_text("Api-Key", &"k".repeat(201)).is_err());
    }

    #[test]
    fn credential_names() {
        assert_eq!(
            validate_credential_name(" 主店铺 ").as_deref(),
            Ok("主店铺")
        );
        assert!(validate_credential_name("").is_err());
        assert!(validate_credential_name("a\nb").is_err());
        assert!(validate_credential_name(&"名".repeat(51)).is_err());
    }
}
