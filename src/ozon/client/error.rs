//! One error type for every Ozon call, classified from the status and Ozon's envelope
//! (`{code, message, details}`, or the legacy `{error:{code, message}}`).

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OzonError {
    /// 401, or 404 with gRPC code 5 (Ozon's answer to a bad Api-Key).
    #[error("Api-Key 无效或与 Client-Id 不匹配（Ozon：{message}）")]
    Unauthorized { message: String },
    /// 403: a missing role, an IP restriction, a deactivated key or an unsigned offer.
    #[error("{}（Ozon：{message}）", forbidden_reason(.message))]
    Forbidden { message: String },
    #[error("Ozon 限流，请 {} 秒后再试", .retry_after.unwrap_or(1))]
    RateLimited { retry_after: Option<u64> },
    #[error("Ozon 已停用此接口")]
    Obsolete,
    #[error("Ozon 拒绝了请求（{code}）：{message}")]
    BadRequest { code: i64, message: String },
    #[error("Ozon 服务异常（HTTP {status}），请稍后再试")]
    Server { status: u16 },
    /// An HTML page or a body that is not JSON, on any status (a gateway or proxy answered).
    #[error("Ozon 返回了网页而不是数据（HTTP {status}），可能是网关故障，稍后再试")]
    NotJson { status: u16 },
    #[error("连接 Ozon 超时")]
    Timeout,
    #[error("无法连接 Ozon：{0}")]
    Transport(String),
    #[error("Ozon 返回了无法解析的内容：{0}")]
    Decode(String),
}

fn forbidden_reason(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("role") {
        "Api-Key 缺少此操作所需的角色，请在 Ozon 后台为该密钥添加角色"
    } else if lower.contains("ip") {
        "Api-Key 限制了 IP 地址，ShopBridge 服务器的 IP 不在允许列表中"
    } else if lower.contains("expired") {
        "Api-Key 已过期，请在 Ozon 后台生成新密钥并在“凭证”页更新"
    } else if lower.contains("deactivated") {
        "Api-Key 已停用，请在 Ozon 后台生成新密钥"
    } else if lower.contains("offer") {
        "卖家尚未接受 Ozon 的最新协议"
    } else {
        "Ozon 拒绝访问"
    }
}

#[derive(Deserialize, Default)]
struct Envelope {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error: Option<LegacyError>,
}

#[derive(Deserialize, Default)]
struct LegacyError {
    #[serde(default)]
    message: Option<String>,
}

impl OzonError {
    pub fn from_response(status: u16, retry_after: Option<u64>, body: &[u8]) -> Self {
        let envelope: Envelope = serde_json::from_slice(body).unwrap_or_default();
        let code = envelope
            .code
            .as_ref()
            .and_then(|c| c.as_i64().or_else(|| c.as_str()?.parse().ok()))
            .unwrap_or(0);
        let message = envelope
            .message
            .or(envelope.error.and_then(|e| e.message))
            .unwrap_or_default();
        match status {
            401 => OzonError::Unauthorized { message },
            404 if code == 5 => OzonError::Unauthorized { message },
            403 => OzonError::Forbidden { message },
            429 => OzonError::RateLimited { retry_after },
            410 => OzonError::Obsolete,
            500..=599 if message.contains("Circle is open") => {
                OzonError::RateLimited { retry_after }
            }
            500..=599 => OzonError::Server { status },
            _ => OzonError::BadRequest { code, message },
        }
    }

    pub fn from_transport(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            OzonError::Timeout
        } else if err.is_connect() {
            OzonError::Transport("连接被拒绝或地址不可达".into())
        } else {
            OzonError::Transport(err.without_url().to_string())
        }
    }
}

#[cfg(test)]
mod tests;
