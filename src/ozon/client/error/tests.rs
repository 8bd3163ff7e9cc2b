use super::*;

#[test]
fn classifies_ozon_envelopes() {
    let bad_key = br#"{"code":5,"message":"Invalid Api-Key, please check the key and try again","details":[]}"#;
    assert!(matches!(
        OzonError::from_response(404, None, bad_key),
        OzonError::Unauthorized { .. }
    ));
    let role = br#"{"code":7,"message":"Api-Key is missing a required role for a method"}"#;
    let err = OzonError::from_response(403, None, role);
    assert!(err.to_string().contains("缺少此操作所需的角色"), "{err}");
    let ip = br#"{"code":7,"message":"Api-Key is restricted to specific IP addresses"}"#;
    assert!(OzonError::from_response(403, None, ip)
        .to_string()
        .contains("IP"));
    let legacy = br#"{"error":{"code":"NOT_FOUND_ERROR","message":"POSTING_NOT_FOUND","data":[]}}"#;
    assert_eq!(
        OzonError::from_response(404, None, legacy),
        OzonError::BadRequest {
            code: 0,
            message: "POSTING_NOT_FOUND".into()
        }
    );
    let quota = br#"{"code":8,"message":"too many requests"}"#;
    assert_eq!(
        OzonError::from_response(429, Some(7 * 60), quota),
        OzonError::RateLimited {
            retry_after: Some(420)
        }
    );
    assert_eq!(
        OzonError::from_response(429, Some(3), b"{}"),
        OzonError::RateLimited {
            retry_after: Some(3)
        }
    );
    assert_eq!(
        OzonError::from_response(
            410,
            None,
            b"{\"message\":\"obsolete method cannot be used\"}"
        ),
        OzonError::Obsolete
    );
    assert_eq!(
        OzonError::from_response(502, None, b"<html>"),
        OzonError::Server { status: 502 }
    );
}
