//! Parsing and checking of single configuration values; each error names its variable.

use std::net::SocketAddr;

use super::{ConfigError, LogFormat};
use crate::vault::seal::MasterKey;

pub(super) fn parse_master_key(value: Option<String>) -> Result<Option<MasterKey>, ConfigError> {
    let Some(value) = value else { return Ok(None) };
    MasterKey::from_base64(&value).map(Some).ok_or(ConfigError {
        var: "SHOPBRIDGE_MASTER_KEY",
        // Never echo a key, even a malformed one.
        value: "(已隐藏)".into(),
        reason: "应为 base64 编码的 32 字节密钥",
    })
}

pub(super) fn parse_rate(value: Option<String>) -> Result<u32, ConfigError> {
    let Some(value) = value else { return Ok(120) };
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var: "SHOPBRIDGE_API_RATE_PER_MINUTE",
            value: format!("{value:?}"),
            reason: "应为 1 到 100000 之间的整数",
        }),
    }
}

pub(super) fn parse_range(
    var: &'static str,
    get: &impl Fn(&str) -> Option<String>,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(value) = get(var) else {
        return Ok(default);
    };
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var,
            value: format!("{value:?}"),
            reason: "超出允许范围（见 README 的配置表）",
        }),
    }
}

pub(super) fn parse_ozon_rps(value: Option<String>) -> Result<u32, ConfigError> {
    let Some(value) = value else { return Ok(50) };
    match value.trim().parse::<u32>() {
        Ok(n) if (1..=50).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var: "SHOPBRIDGE_OZON_RPS",
            value: format!("{value:?}"),
            reason: "应为 1 到 50 之间的整数（Ozon 每个 Client-Id 每秒最多 50 次）",
        }),
    }
}

pub(super) fn parse_bind(value: Option<String>) -> Result<SocketAddr, ConfigError> {
    let value = value.unwrap_or_else(|| "127.0.0.1:3000".into());
    value.trim().parse().map_err(|_| ConfigError {
        var: "SHOPBRIDGE_BIND",
        value: format!("{value:?}"),
        reason: "应为 IP:端口，例如 127.0.0.1:3000",
    })
}

pub(super) fn parse_url(var: &'static str, value: String) -> Result<String, ConfigError> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(trimmed.to_string())
        }
        _ => Err(ConfigError {
            var,
            value: format!("{value:?}"),
            reason: "应为 http:// 或 https:// 开头的地址",
        }),
    }
}

pub(super) fn url_or(
    var: &'static str,
    get: &impl Fn(&str) -> Option<String>,
    default: &str,
) -> Result<String, ConfigError> {
    parse_url(var, get(var).unwrap_or_else(|| default.to_string()))
}

pub(super) fn parse_storage(value: String) -> Result<String, ConfigError> {
    let ok = ["file://", "s3://", "memory://"]
        .iter()
        .any(|scheme| value.starts_with(scheme));
    if ok {
        Ok(value)
    } else {
        Err(ConfigError {
            var: "SHOPBRIDGE_STORAGE_URL",
            value: format!("{value:?}"),
            reason: "应为 file://…、s3://bucket/prefix 或 memory://",
        })
    }
}

pub(super) fn parse_bool(var: &'static str, value: Option<String>) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::trim) {
        None => Ok(false),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(_) => Err(ConfigError {
            var,
            value: format!("{:?}", value.unwrap_or_default()),
            reason: "应为 true 或 false",
        }),
    }
}

pub(super) fn parse_log_format(value: Option<String>) -> Result<LogFormat, ConfigError> {
    match value.as_deref().map(str::trim) {
        None | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(_) => Err(ConfigError {
            var: "SHOPBRIDGE_LOG_FORMAT",
            value: format!("{:?}", value.unwrap_or_default()),
            reason: "应为 text 或 json",
        }),
    }
}

pub(super) fn parse_minutes(value: Option<String>) -> Result<i64, ConfigError> {
    let Some(value) = value else {
        return Ok(8 * 60);
    };
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=60 * 24 * 30).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var: "SHOPBRIDGE_SESSION_IDLE_MINUTES",
            value: format!("{value:?}"),
            reason: "应为 1 到 43200 之间的分钟数",
        }),
    }
}

/// `SHOPBRIDGE_TRUSTED_PROXIES`: IPs or CIDRs (comma-separated) whose `X-Forwarded-For` is
/// believed. Empty: none, the socket's address is the client's.
pub(super) fn parse_proxies(value: Option<String>) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<ipnet::IpNet>()
                .or_else(|_| v.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError {
                    var: "SHOPBRIDGE_TRUSTED_PROXIES",
                    value: format!("{v:?}"),
                    reason: "应为逗号分隔的 IP 或网段，例如 127.0.0.1,10.0.0.0/8",
                })
        })
        .collect()
}

/// `postgres://user:password@host:port/db` (or `postgresql://`). Never echoed: it may hold a
/// password.
pub(super) fn parse_database_url(
    value: Option<String>,
) -> Result<Option<crate::common::secret::Secret>, ConfigError> {
    let Some(value) = value else { return Ok(None) };
    let value = value.trim();
    let refuse = |reason| ConfigError {
        var: "SHOPBRIDGE_DATABASE_URL",
        value: "(已隐藏)".into(),
        reason,
    };
    let url = reqwest::Url::parse(value)
        .map_err(|_| refuse("应为 postgres://用户:密码@主机:端口/库名"))?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(refuse(
            "只支持 PostgreSQL（postgres://…）；不设此项则用数据目录里的 SQLite 文件",
        ));
    }
    if url.host_str().unwrap_or("").is_empty() {
        return Err(refuse(
            "缺少数据库主机：postgres://用户:密码@主机:端口/库名",
        ));
    }
    Ok(Some(crate::common::secret::Secret::new(value)))
}
