//! Wire tests: Douyin's and 抖店's documented and captured bodies, in every shape they come.

use super::*;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/douyin/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_json::from_str::<Value>(&text).expect("json")["response"].clone()
}

#[test]
fn douyin_token_envelopes_parse_with_numbers_or_strings() {
    let t = tokens_of(douyin_data(&fixture("douyin_oauth_access_token_success.json")).expect("ok"));
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
    let expired =
        serde_json::json!({"data": {"error_code": "10008", "description": "access_token expired"}});
    assert!(douyin_data(&expired).expect_err("error").access_expired());
    let reauth = serde_json::json!({"data": {"error_code": 10010, "description": ""}});
    assert!(douyin_data(&reauth).expect_err("error").needs_reauth());
    // The error sits in `extra` while data.error_code says 0.
    let in_extra = serde_json::json!({"data": {"error_code": 0, "description": ""}, "extra": {"error_code": 2190004, "description": "应用未获得该能力", "logid": "L1"}});
    let err = douyin_data(&in_extra).expect_err("extra holds the error");
    assert_eq!((err.code, err.log_id.as_str()), (2_190_004, "L1"));
    // The newer envelope, error with no data, and success.
    let newer = serde_json::json!({"err_no": 2190001, "err_msg": "quota exceeded", "log_id": "L2"});
    let err = douyin_data(&newer).expect_err("err_no");
    assert_eq!(
        (err.code, err.description.as_str(), err.log_id.as_str()),
        (2_190_001, "quota exceeded", "L2")
    );
    let ok = serde_json::json!({"err_no": 0, "err_msg": "", "log_id": "L3", "data": {"list": []}});
    assert!(douyin_data(&ok).expect("ok")["list"].is_array());
    let ok_null = serde_json::json!({"err_no": "0", "err_msg": "success", "data": null});
    assert!(douyin_data(&ok_null).expect("ok").is_null());
    for (v, want) in [
        (serde_json::json!(true), true),
        (serde_json::json!(1), true),
        (serde_json::json!("true"), true),
        (serde_json::json!("1"), true),
        (serde_json::json!(0), false),
        (serde_json::json!("false"), false),
        (serde_json::json!(null), false),
    ] {
        assert_eq!(flag_of(&v), want, "{v}");
    }
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
    let refused = serde_json::json!({"code": "60000", "msg": "触发限流", "sub_code": "", "sub_msg": "", "log_id": "x"});
    let err = gateway_data(&refused).expect_err("code != 10000");
    assert!(err.throttled());
    assert_eq!(
        err.message(),
        "抖店返回错误 60000：调用过于频繁（触发限流），稍后自动重试（触发限流）"
    );
    let partial = serde_json::json!({"code": 10001, "msg": "部分成功", "data": {"ok": [1]}});
    assert_eq!(
        gateway_data(&partial).expect("10001 keeps data")["ok"][0],
        1
    );
    let null = serde_json::json!({"code": 10000, "msg": "success", "data": null});
    assert!(gateway_data(&null).expect("ok").is_null());
    let legacy = serde_json::json!({"err_no": 0, "message": "success", "data": {"a": 1}});
    assert_eq!(gateway_data(&legacy).expect("legacy ok")["a"], 1);
    assert!(gateway_data(&serde_json::json!({"err_no": 30001, "message": "bad"})).is_err());
}

fn gw(code: i64, sub_code: &str) -> GatewayError {
    let body = serde_json::json!({"code": code, "msg": "m", "sub_code": sub_code, "sub_msg": "", "log_id": ""});
    gateway_data(&body).expect_err("error")
}

#[test]
fn gateway_errors_follow_the_platforms_table() {
    for code in [60000, 20000, 20001] {
        assert!(gw(code, "").throttled(), "{code}");
    }
    // Codes our simulator once invented are not throttling.
    assert!(!gw(50002, "isv.access-limit").throttled());
    assert!(gw(40003, "isv.access-token-expired").access_expired());
    assert!(gw(40003, "isv.access-token-no-existed").access_expired());
    assert!(!gw(40003, "isv.signature-invalid").access_expired());
    assert!(gw(30001, "dop.authorization-no-existed").needs_reauth());
    assert!(gw(30001, "dop.authorization-closed").needs_reauth());
    assert!(!gw(30001, "isv.app-permissions-insufficient").needs_reauth());
    assert!(gw(50001, "dop.token-generate-failed:token-expired").needs_reauth());
    assert!(gw(50001, "dop.token-generate-failed:no-authorization").needs_reauth());
    assert!(!gw(50001, "dop.token-generate-failed:grant-type-invalid").needs_reauth());
    assert!(gw(50002, "isv.business-failed:31009").needs_reauth());
    let ip = gw(30002, "");
    assert!(ip.ip_not_whitelisted() && !ip.needs_reauth() && !ip.throttled());
    assert!(ip.message().contains("白名单"), "{}", ip.message());
    assert!(gw(30001, "dop.authorization-no-existed")
        .message()
        .contains("重新授权"));
}
