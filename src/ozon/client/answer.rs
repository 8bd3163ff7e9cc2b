//! Every Ozon answer is classified before it is parsed: a success, an error (on any status,
//! HTTP 200 included), an HTML page, a throttle, a refused key or a transient failure. Only a
//! success is handed to the typed parser, so an error is never read as an empty success.

use serde_json::Value;

use super::error::OzonError;

/// What an answer is, before its body is read as the method's type.
pub fn classify(status: u16, retry_after: Option<u64>, body: &[u8]) -> Result<(), OzonError> {
    if looks_like_html(body) {
        // A gateway or proxy page: never data, whatever the status says.
        return Err(OzonError::NotJson { status });
    }
    if status != 200 {
        return Err(OzonError::from_response(status, retry_after, body));
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Err(OzonError::NotJson { status }),
    };
    match error_inside_200(&value) {
        Some(as_status) => Err(OzonError::from_response(as_status, retry_after, body)),
        None => Ok(()),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &body[i..])
        .unwrap_or(&[]);
    start.first() == Some(&b'<')
}

/// An error envelope in a 200 body answers the HTTP status it stands for: gRPC's
/// `{code, message, details}` with a non-zero code and nothing else, or the legacy
/// `{error: {code, message}}` without a `result`.
fn error_inside_200(value: &Value) -> Option<u16> {
    let map = value.as_object()?;
    if let Some(Value::Object(_)) = map.get("error") {
        if !map.contains_key("result") && !map.contains_key("items") {
            return Some(400);
        }
    }
    let only_envelope = map
        .keys()
        .all(|k| matches!(k.as_str(), "code" | "message" | "details" | "error"));
    if !only_envelope || !map.contains_key("message") {
        return None;
    }
    let code = match map.get("code") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(2),
        Some(Value::String(s)) => s.trim().parse::<i64>().unwrap_or(2),
        _ => return None,
    };
    Some(grpc_status(code)).filter(|_| code != 0)
}

/// The HTTP status Ozon's gateway gives a gRPC code.
fn grpc_status(code: i64) -> u16 {
    match code {
        3 | 9 | 11 => 400,
        5 => 404,
        7 => 403,
        8 => 429,
        12 => 410,
        16 => 401,
        4 => 504,
        14 => 503,
        _ => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> OzonError {
        classify(status, None, body.as_bytes()).expect_err(body)
    }

    #[test]
    fn successes_pass() {
        for body in [
            r#"{"result": {"items": []}}"#,
            r#"{"items": [], "total": 0}"#,
            r#"{"roles": [], "expires_at": null}"#,
            r#"{"code": 0, "message": "ok"}"#,
            r#"{"result": [{"offer_id": "a", "errors": [{"code": "X", "message": "m"}]}]}"#,
        ] {
            assert!(classify(200, None, body.as_bytes()).is_ok(), "{body}");
        }
    }

    #[test]
    fn errors_inside_200_are_errors() {
        assert!(matches!(
            err(
                200,
                r#"{"code": 5, "message": "Invalid Api-Key, please check the key and try again", "details": []}"#
            ),
            OzonError::Unauthorized { .. }
        ));
        assert!(matches!(
            err(
                200,
                r#"{"code": 7, "message": "Api-Key is missing a required role for a method"}"#
            ),
            OzonError::Forbidden { .. }
        ));
        assert!(matches!(
            err(200, r#"{"code": "8", "message": "too many requests"}"#),
            OzonError::RateLimited { .. }
        ));
        assert!(matches!(
            err(200, r#"{"code": 13, "message": "internal", "details": []}"#),
            OzonError::Server { status: 500 }
        ));
        assert!(matches!(
            err(
                200,
                r#"{"error": {"code": "BAD_REQUEST", "message": "PRODUCT_NOT_FOUND"}}"#
            ),
            OzonError::BadRequest { .. }
        ));
    }

    #[test]
    fn html_and_garbage_are_never_data() {
        for status in [200, 502] {
            assert_eq!(
                err(status, "\n <html><body>Bad gateway</body></html>"),
                OzonError::NotJson { status }
            );
        }
        assert_eq!(err(200, "not json"), OzonError::NotJson { status: 200 });
        assert_eq!(err(200, ""), OzonError::NotJson { status: 200 });
    }
}
