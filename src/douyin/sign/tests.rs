use super::*;
use serde_json::json;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/douyin/doudian_sign_vectors_COMPUTED.json"
));

#[test]
fn every_fixture_vector_signs_to_its_value() {
    let doc: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 8);
    for v in vectors {
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let how = SignMethod::parse(Some(&s("sign_method"))).expect("known method");
        let timestamp = v["timestamp"].to_string();
        let params: Value = serde_json::from_str(&s("param_json")).expect("params");
        let param_json = canonical_json(&params);
        assert_eq!(
            param_json,
            s("param_json"),
            "canonical form of {}",
            s("method")
        );
        assert_eq!(
            string_to_sign(
                &s("app_key"),
                &s("app_secret"),
                &s("method"),
                &param_json,
                &timestamp
            ),
            s("string_to_sign")
        );
        let got = sign(
            how,
            &s("app_key"),
            &s("app_secret"),
            &s("method"),
            &param_json,
            &timestamp,
        );
        assert_eq!(got, s("sign"), "{} {}", s("method"), s("sign_method"));
    }
}

#[test]
fn canonical_json_sorts_nested_keys_and_leaves_text_unescaped() {
    let params = json!({
        "z": {"b": 1, "a": [{"y": 2, "x": "<b>&"}]},
        "name": "女装 连衣裙 <新款> & 包邮",
        "a": {}
    });
    assert_eq!(
        canonical_json(&params),
        r#"{"a":{},"name":"女装 连衣裙 <新款> & 包邮","z":{"a":[{"x":"<b>&","y":2}],"b":1}}"#
    );
    assert_eq!(canonical_json(&json!({})), "{}");
    assert_eq!(canonical_json(&Value::Null), "{}");
    // The signature covers the exact bytes: a space or another key order is another sign.
    let one = sign(SignMethod::Md5, "k", "s", "m", r#"{"a":1,"b":2}"#, "1");
    assert_eq!(one.len(), 32);
    assert_ne!(
        one,
        sign(SignMethod::Md5, "k", "s", "m", r#"{"a": 1,"b":2}"#, "1")
    );
    assert_ne!(
        one,
        sign(SignMethod::Md5, "k", "s", "m", r#"{"b":2,"a":1}"#, "1")
    );
}

#[test]
fn method_names_and_sign_methods() {
    assert_eq!(method_of("/order/searchList"), "order.searchList");
    assert_eq!(method_of("product/listV2"), "product.listV2");
    assert_eq!(SignMethod::parse(None), Some(SignMethod::Md5));
    assert_eq!(SignMethod::parse(Some("sha1")), None);
}
