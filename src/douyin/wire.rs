//! Tolerant parsing of both platforms' answers (`wire/douyin-api.md` §1.2, §2.4).
//!
//! Douyin: `{"data":{…,"error_code","description"},"message"?,"extra"?}`, errors inside HTTP
//! 200, numbers sometimes strings. 抖店: `{"code":10000,"msg","sub_code","sub_msg","log_id",
//! "data"}`, success only when `code == 10000`; the legacy `{err_no,message,data}` is read too.

use serde_json::Value;

/// An integer sent as a number or a string ("86400"); anything else is `None`.
pub fn int_of(value: &Value) -> Option<i64> {
    crate::common::json::int_of(value)
}

/// A flag sent as a bool, a number (0/1) or a string ("true", "1"): `has_more` is all three.
pub fn flag_of(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.trim(), "1" | "true" | "True" | "TRUE"),
        _ => false,
    }
}

/// Text sent as a string or a number (ids are int64 in one method and strings in the next).
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A Douyin error: the code, the platform's description and its log id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DouyinError {
    pub code: i64,
    pub description: String,
    pub log_id: String,
}

impl DouyinError {
    /// 10008 / 2190008: the access token is invalid or expired — refresh once and retry.
    pub fn access_expired(&self) -> bool {
        matches!(self.code, 10008 | 2190008 | 2190002)
    }

    /// 10010 / 10020: the refresh token expired or its renewals ran out — re-authorise.
    pub fn needs_reauth(&self) -> bool {
        matches!(self.code, 10010 | 10020)
    }

    /// Busy or over quota: worth trying again later.
    pub fn transient(&self) -> bool {
        matches!(self.code, 2100004 | 2190001 | -1)
    }

    /// What an admin reads.
    pub fn message(&self) -> String {
        let meaning = match self.code {
            10002 | 2100005 => "参数错误",
            10003 => "client_key 无效",
            10004 => "应用没有这项权限",
            10006 => "回调地址不合法",
            10007 => "授权码已过期或已使用，请重新授权",
            10008 | 2190008 | 2190002 => "access_token 已失效",
            10010 => "refresh_token 已过期，需要重新授权",
            10013 => "client_key 或 client_secret 错误",
            10020 => "refresh_token 续期次数已用完，需要重新授权",
            2190001 => "调用配额已用完",
            2190003 | 2190004 => {
                "应用没有代用户发布的能力（需要企业网站应用获批 video.create.bind）"
            }
            2190006 => "视频时长不符合抖音的要求",
            2100004 => "抖音系统繁忙",
            _ => "",
        };
        let mut text = format!("抖音返回错误 {}", self.code);
        if !meaning.is_empty() {
            text.push_str(&format!("：{meaning}"));
        }
        if !self.description.is_empty() {
            text.push_str(&format!("（{}）", self.description));
        }
        text
    }
}

/// The `data` of a Douyin answer, or its error. Three shapes: `{data:{error_code,…}, extra}`,
/// the error in `extra` while `data.error_code` is 0, and the newer `{err_no, err_msg, log_id,
/// data}` (an error there may come with no `data` at all).
pub fn douyin_data(body: &Value) -> Result<&Value, DouyinError> {
    let data = body.get("data").unwrap_or(&Value::Null);
    let extra = body.get("extra").unwrap_or(&Value::Null);
    let log_id = [
        data.get("log_id"),
        extra.get("logid"),
        extra.get("log_id"),
        body.get("log_id"),
    ]
    .into_iter()
    .flatten()
    .find_map(text_of)
    .filter(|s| !s.is_empty())
    .unwrap_or_default();
    let codes = [
        data.get("error_code"),
        extra.get("error_code"),
        body.get("err_no"),
        body.get("error_code"),
    ];
    let code = codes
        .into_iter()
        .flatten()
        .filter_map(int_of)
        .find(|c| *c != 0)
        .unwrap_or(0);
    let newer_ok = body.get("err_no").and_then(int_of) == Some(0);
    if code != 0 || !(data.is_object() || (newer_ok && data.is_null())) {
        let description = [
            data.get("description"),
            extra.get("description"),
            extra.get("sub_description"),
            body.get("err_msg"),
            body.get("description"),
        ]
        .into_iter()
        .flatten()
        .filter_map(text_of)
        .find(|d| !d.is_empty())
        .unwrap_or_else(|| {
            body.get("message")
                .and_then(text_of)
                .unwrap_or_else(|| "答复不是抖音的格式".into())
        });
        return Err(DouyinError {
            code: if code == 0 { -1 } else { code },
            description,
            log_id,
        });
    }
    Ok(data)
}

/// Tokens as either platform hands them out. `Debug` leaves the tokens out.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    /// Seconds.
    pub expires_in: i64,
    pub refresh_token: String,
    /// Seconds; `None` when the platform did not say (then the old value stands).
    pub refresh_expires_in: Option<i64>,
    pub open_id: String,
    pub scope: String,
    pub shop_id: String,
    pub shop_name: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &"[REDACTED]")
            .field("refresh_expires_in", &self.refresh_expires_in)
            .field("open_id", &self.open_id)
            .field("scope", &self.scope)
            .field("shop_id", &self.shop_id)
            .field("shop_name", &self.shop_name)
            .finish()
    }
}

pub fn tokens_of(data: &Value) -> Tokens {
    let s = |k: &str| data.get(k).and_then(text_of).unwrap_or_default();
    Tokens {
        access_token: s("access_token"),
        expires_in: data.get("expires_in").and_then(int_of).unwrap_or(0),
        refresh_token: s("refresh_token"),
        refresh_expires_in: data.get("refresh_expires_in").and_then(int_of),
        open_id: s("open_id"),
        scope: s("scope"),
        shop_id: s("shop_id"),
        shop_name: s("shop_name"),
    }
}

/// A 抖店 gateway error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayError {
    pub code: i64,
    pub msg: String,
    pub sub_code: String,
    pub sub_msg: String,
    pub log_id: String,
}

impl GatewayError {
    /// The platform's base error table ("平台基础错误码汇总", `wire/field-facts-2026-12.md`):
    /// 60000 throttled (触发限流), 20000 service unavailable, 20001 internal timeout — back off
    /// and try again.
    pub fn throttled(&self) -> bool {
        matches!(self.code, 60000 | 20000 | 20001)
    }

    /// 40003 with `isv.access-token-expired` / `isv.access-token-no-existed`: exactly the two
    /// sub codes on which the public SDKs refresh the access token and retry.
    pub fn access_expired(&self) -> bool {
        matches!(
            self.sub_code.as_str(),
            "isv.access-token-expired" | "isv.access-token-no-existed"
        )
    }

    /// The authorisation is gone and only the merchant can give it again: 30001 with an
    /// authorisation sub code (店铺授权已失效 / 已关闭), 50001 token issue refused because the
    /// refresh token expired, is invalid or the shop no longer authorises the app, 50002
    /// `isv.business-failed:31009` (no refresh token).
    pub fn needs_reauth(&self) -> bool {
        let sub = self.sub_code.as_str();
        match self.code {
            30001 => sub.contains("authorization"),
            50001 => [":token-expired", ":token-invalid", ":no-authorization"]
                .iter()
                .any(|end| sub.ends_with(end)),
            50002 => sub.ends_with(":31009"),
            _ => false,
        }
    }

    /// 30002: the server's IP is not on the app's whitelist (configuration, not the token).
    pub fn ip_not_whitelisted(&self) -> bool {
        self.code == 30002
    }

    pub fn message(&self) -> String {
        let meaning = match self.code {
            20000 | 20001 => "抖店服务暂时不可用，稍后自动重试",
            30001 if self.needs_reauth() => "店铺授权已失效，需要重新授权",
            30001 => "应用权限不足，请在抖店开放平台为应用申请此接口权限",
            30002 => "ShopBridge 服务器的 IP 不在抖店应用的 IP 白名单中，请在抖店开放平台添加服务器出口 IP",
            40001 => "缺少参数",
            40003 if self.access_expired() => "access_token 已失效",
            40003 => "参数不合法",
            50001 if self.needs_reauth() => "授权已过期，需要商家重新授权",
            50001 => "令牌签发失败",
            50002 if self.needs_reauth() => "缺少 refresh_token，需要重新授权",
            60000 => "调用过于频繁（触发限流），稍后自动重试",
            70000 => "该接口已下线",
            _ => "",
        };
        let detail = if self.sub_msg.is_empty() {
            &self.msg
        } else {
            &self.sub_msg
        };
        let mut text = format!("抖店返回错误 {}", self.code);
        if !meaning.is_empty() {
            text.push_str(&format!("：{meaning}"));
        }
        if !detail.is_empty() && detail != meaning {
            text.push_str(&format!("（{detail}）"));
        }
        text
    }
}

/// The `data` of a 抖店 answer, or its error. 10000 is success; 10001 is a partial failure
/// (some items done), so its `data` is kept; `data` may be `null` on success.
pub fn gateway_data(body: &Value) -> Result<&Value, GatewayError> {
    let s = |k: &str| body.get(k).and_then(text_of).unwrap_or_default();
    let ok = match body.get("code").and_then(int_of) {
        Some(10000) => true,
        Some(10001) => {
            tracing::warn!(sub_msg = %s("sub_msg"), "抖店 partial failure (10001); keeping what succeeded");
            true
        }
        Some(_) => false,
        // The legacy envelope.
        None => body.get("err_no").and_then(int_of) == Some(0),
    };
    if ok {
        return Ok(body.get("data").unwrap_or(&Value::Null));
    }
    let code = body
        .get("code")
        .or_else(|| body.get("err_no"))
        .and_then(int_of)
        .unwrap_or(-1);
    Err(GatewayError {
        code,
        msg: if body.get("msg").is_some() {
            s("msg")
        } else {
            s("message")
        },
        sub_code: s("sub_code"),
        sub_msg: s("sub_msg"),
        log_id: s("log_id"),
    })
}

#[cfg(test)]
mod tests;
