//! Unit tests of the image pipeline: error mapping.

use super::*;

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
