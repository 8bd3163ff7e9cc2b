//! Tolerant parsing of both platforms' answers (`wire/douyin-api.md` §1.2, §2.4).
//!
//! Douyin: `{"data":{…,"error_code","description"},"message"?,"extra"?}`, errors inside HTTP
//! 200, numbers sometimes strings. 抖店: `{"code":10000,"msg","sub_code","sub_msg","log_id",
//! "data"}`, success only when `code == 10000`; the legacy `{err_no,message,data}` is read too.

use serde_json::Value;

/// An integer sent as a number or a string ("86400"); anything else is `None`.
pub fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
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

/// The `data` of a Douyin answer, or its error.
pub fn douyin_data(body: &Value) -> Result<&Value, DouyinError> {
    let data = body.get("data").unwrap_or(&Value::Null);
    let extra = body.get("extra").unwrap_or(&Value::Null);
    let log_id = [data.get("log_id"), extra.get("logid"), extra.get("log_id")]
        .into_iter()
        .flatten()
        .find_map(text_of)
        .unwrap_or_default();
    let code = data
        .get("error_code")
        .and_then(int_of)
        .or_else(|| extra.get("error_code").and_then(int_of))
        .unwrap_or(0);
    if code != 0 || !data.is_object() {
        let description = [data.get("description"), extra.get("description")]
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

/// Tokens as either platform hands them out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
    /// The gateway refused for call frequency (simulator: `isv.access-limit`; the real sub code
    /// list is not public, so any "limit"/"频繁" answer counts).
    pub fn throttled(&self) -> bool {
        self.sub_code.contains("limit")
            || self.msg.contains("频繁")
            || self.sub_msg.contains("频繁")
            || self.code == 429
    }

    /// The access token is expired or invalid: refresh once and retry.
    pub fn access_expired(&self) -> bool {
        self.sub_code.contains("access-token") || self.sub_code.contains("access_token")
    }

    /// The refresh token is gone: re-authorise.
    pub fn needs_reauth(&self) -> bool {
        self.sub_code.contains("refresh-token") || self.sub_code.contains("refresh_token")
    }

    pub fn message(&self) -> String {
        let detail = if self.sub_msg.is_empty() {
            &self.msg
        } else {
            &self.sub_msg
        };
        format!("抖店返回错误 {}：{detail}", self.code)
    }
}

/// The `data` of a 抖店 answer, or its error.
pub fn gateway_data(body: &Value) -> Result<&Value, GatewayError> {
    let s = |k: &str| body.get(k).and_then(text_of).unwrap_or_default();
    let ok = match body.get("code").and_then(int_of) {
        Some(code) => code == 10000,
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
mod tests {
    use super::*;

    fn fixture(name: &str) -> Value {
        let path = format!("{}/fixtures/douyin/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture");
        serde_json::from_str::<Value>(&text).expect("json")["response"].clone()
    }

    #[test]
    fn douyin_token_envelopes_parse_with_numbers_or_strings() {
        let t =
            tokens_of(douyin_data(&fixture("douyin_oauth_access_token_success.json")).expect("ok"));
        assert_eq!(t.expires_in, 1_296_000);
        assert_eq!(t.refresh_expires_in, Some(2_592_000));
        assert!(t.access_token.starts_with("act."));
        assert_eq!(t.scope, "user_info");
        let legacy = fixture("douyin_oauth_access_token_success_legacy_stringly.json");
        let t = tokens_of(douyin_data(&legacy).expect("\"0\" is success"));
        assert_eq!((t.expires_in, t.refresh_expires_in), (86_400, Some(86_400)));
        assert_eq!(t.open_id, "aaa-bbb-ccc");
        let refresh = fixture("douyin_oauth_refresh_token_success.json");
        assert_eq!(
            tokens_of(douyin_data(&refresh).expect("ok")).expires_in,
            86_400
        );
        let renew = fixture("douyin_oauth_renew_refresh_token_success.json");
        let t = tokens_of(douyin_data(&renew).expect("ok"));
        assert_eq!(
            (t.refresh_token.as_str(), t.expires_in),
            ("refresh_token", 86_400)
        );
    }

    #[test]
    fn douyin_errors_inside_http_200_are_errors() {
        let err = douyin_data(&fixture("douyin_oauth_error_legacy.json")).expect_err("error");
        assert_eq!(err.code, 2_100_005);
        assert_eq!(err.log_id, "2020070614111601022506808001045D59");
        assert!(err.message().contains("参数错误"), "{}", err.message());
        let upload = douyin_data(&fixture("douyin_video_upload_error.json")).expect_err("error");
        assert_eq!(upload.log_id, "2020070614111601022506808001045D59");
        let expired = serde_json::json!({"data": {"error_code": "10008", "description": "access_token expired"}});
        assert!(douyin_data(&expired).expect_err("error").access_expired());
        let reauth = serde_json::json!({"data": {"error_code": 10010, "description": ""}});
        assert!(douyin_data(&reauth).expect_err("error").needs_reauth());
        let garbage = serde_json::json!({"message": "oops"});
        assert_eq!(douyin_data(&garbage).expect_err("not ours").code, -1);
    }

    #[test]
    fn gateway_envelopes() {
        let body = fixture("doudian_token_create_SYNTHESIZED.json");
        let t = tokens_of(gateway_data(&body).expect("10000"));
        assert_eq!((t.shop_id.as_str(), t.expires_in), ("12312312", 604_800));
        assert_eq!(t.shop_name, "测试店铺");
        let list = fixture("doudian_product_listV2_SYNTHESIZED.json");
        let data = gateway_data(&list).expect("ok");
        assert_eq!(
            text_of(&data["data"][0]["product_id"]).as_deref(),
            Some("3539925204033339668")
        );
        let refused = serde_json::json!({"code": "50002", "msg": "业务处理失败", "sub_code": "isv.access-limit", "sub_msg": "请求过于频繁", "log_id": "x"});
        let err = gateway_data(&refused).expect_err("code != 10000");
        assert!(err.throttled());
        assert_eq!(err.message(), "抖店返回错误 50002：请求过于频繁");
        let legacy = serde_json::json!({"err_no": 0, "message": "success", "data": {"a": 1}});
        assert_eq!(gateway_data(&legacy).expect("legacy ok")["a"], 1);
        assert!(gateway_data(&serde_json::json!({"err_no": 30001, "message": "bad"})).is_err());
    }
}
