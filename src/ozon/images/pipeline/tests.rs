//! Unit tests of the image pipeline: object keys and error mapping.

use super::*;

#[test]
fn keys_follow_the_contract() {
    assert_eq!(
        object_key("user_123", "123456", 2, ImageKind::Jpeg),
        "users/user_123/ozon/123456/123456_2.jpg"
    );
}

#[test]
fn ozon_failures_map_to_contract_codes() {
    let unauthorized = OzonError::Unauthorized {
        message: "Api-key is deactivated".into(),
    };
    assert_eq!(ozon_failure(unauthorized).code, "INVALID_CREDENTIALS");
    let bad_client = OzonError::BadRequest {
        code: 3,
        message: "Invalid Client-Id".into(),
    };
    assert_eq!(ozon_failure(bad_client).code, "INVALID_CREDENTIALS");
    assert_eq!(
        ozon_failure(OzonError::Server { status: 500 }).code,
        "OZON_API_ERROR"
    );
}
