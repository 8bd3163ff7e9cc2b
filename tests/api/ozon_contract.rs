//! Contract tests for the Ozon client: every recorded response body parses into our types, and
//! so do variants that real traffic shows (ids as strings, nulls, missing blocks, unknown
//! fields). Reads `fixtures/ozon` (kept equal to ../shared/fixtures by `fixtures.rs`).

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use shopbridge::ozon::client::catalog::{AttributesResponse, TreeResponse, ValuesResponse};
use shopbridge::ozon::client::commerce::{
    PricesInfoResponse, StocksInfoResponse, UpdateResponse, WarehouseListResponse,
};
use shopbridge::ozon::client::products::{
    ImportBySkuResponse, ImportInfoResponse, ImportResponse, LimitResponse, PicturesInfoResponse,
    ProductInfoResponse, ProductListResponse, TaskIdResponse,
};
use shopbridge::ozon::client::RolesResponse;

type Parser = fn(&Value) -> Result<Value, String>;

fn parse<T: DeserializeOwned + std::fmt::Debug>(body: &Value) -> Result<Value, String> {
    serde_json::from_value::<T>(body.clone())
        .map(|parsed| json!(format!("{parsed:?}").len()))
        .map_err(|e| e.to_string())
}

/// Fixture file → the type its 200 bodies parse into.
const METHODS: &[(&str, Parser)] = &[
    (
        "v1_description_category_attribute.json",
        parse::<AttributesResponse>,
    ),
    (
        "v1_description_category_attribute_values.json",
        parse::<ValuesResponse>,
    ),
    ("v1_description_category_tree.json", parse::<TreeResponse>),
    (
        "v1_product_import_by_sku.json",
        parse::<ImportBySkuResponse>,
    ),
    ("v1_product_import_info.json", parse::<ImportInfoResponse>),
    ("v1_product_import_prices.json", parse::<UpdateResponse>),
    ("v2_product_pictures_import.json", parse::<TaskIdResponse>),
    (
        "v2_product_pictures_info.json",
        parse::<PicturesInfoResponse>,
    ),
    ("v2_products_stocks.json", parse::<UpdateResponse>),
    ("v2_warehouse_list.json", parse::<WarehouseListResponse>),
    ("v3_product_import.json", parse::<ImportResponse>),
    ("v3_product_info_list.json", parse::<ProductInfoResponse>),
    ("v3_product_list.json", parse::<ProductListResponse>),
    ("v4_product_info_limit.json", parse::<LimitResponse>),
    ("v4_product_info_stocks.json", parse::<StocksInfoResponse>),
    ("v5_product_info_prices.json", parse::<PricesInfoResponse>),
];

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ozon")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn ok_bodies(name: &str) -> Vec<Value> {
    fixture(name)["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .filter(|r| r["http_status"].as_u64().unwrap_or(200) == 200)
        .map(|r| r["body"].clone())
        .collect()
}

/// Every integer turned into a string, as grpc-gateway clients send and some responses do.
fn ints_as_strings(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => Value::String(n.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(ints_as_strings).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), ints_as_strings(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every value below the top level replaced by null.
fn nulls_below(v: &Value, depth: usize) -> Value {
    match v {
        Value::Object(o) if depth > 0 => {
            Value::Object(o.keys().map(|k| (k.clone(), Value::Null)).collect())
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), nulls_below(v, depth + 1)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|v| nulls_below(v, depth)).collect()),
        other => other.clone(),
    }
}

/// Objects with every nested object or array removed (missing optional blocks).
fn without_blocks(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, v)| {
                    !v.is_object() || v.get("items").is_some() || v.get("result").is_some()
                })
                .map(|(k, v)| (k.clone(), without_blocks(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_blocks).collect()),
        other => other.clone(),
    }
}

/// An unknown field added to every object.
fn with_unknown_fields(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut out: Map<String, Value> = o
                .iter()
                .map(|(k, v)| (k.clone(), with_unknown_fields(v)))
                .collect();
            out.insert(
                "field_added_next_month".into(),
                json!({"nested": [1, "two", null]}),
            );
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(with_unknown_fields).collect()),
        other => other.clone(),
    }
}

#[test]
fn every_recorded_body_and_its_variants_parse() {
    let mut bodies = 0;
    let mut variants = 0;
    for (name, parser) in METHODS {
        let recorded = ok_bodies(name);
        assert!(!recorded.is_empty(), "{name} has a 200 body");
        for body in recorded {
            parser(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
            bodies += 1;
            let shapes = [
                ints_as_strings(&body),
                nulls_below(&body, 0),
                without_blocks(&body),
                with_unknown_fields(&body),
            ];
            for (i, variant) in shapes.iter().enumerate() {
                parser(variant).unwrap_or_else(|e| panic!("{name} variant {i}: {e}"));
                variants += 1;
            }
        }
    }
    println!("parsed {bodies} recorded bodies and {variants} variants");
    assert!(bodies >= 40, "only {bodies} bodies");
}

#[test]
fn parsed_values_match_what_was_recorded() {
    let body = &ok_bodies("v3_product_info_list.json")[0];
    let parsed: ProductInfoResponse = serde_json::from_value(body.clone()).expect("parses");
    let item = &parsed.items[0];
    let raw = &body["items"][0];
    assert_eq!(item.id, raw["id"].as_i64());
    assert_eq!(item.offer_id, raw["offer_id"].as_str().unwrap_or_default());
    assert_eq!(
        item.price.as_ref().map(|m| m.as_str()),
        raw["price"].as_str()
    );
    assert_eq!(
        item.images.len(),
        raw["images"].as_array().map(Vec::len).unwrap_or(0)
    );
    // Re-serialising keeps every modelled field with the recorded value.
    let again = serde_json::to_value(item).expect("serialise");
    for key in [
        "offer_id",
        "name",
        "currency_code",
        "vat",
        "price",
        "old_price",
    ] {
        assert_eq!(again[key], raw[key], "{key}");
    }
    assert_eq!(again["id"], raw["id"]);

    let strings = ints_as_strings(body);
    let parsed_strings: ProductInfoResponse = serde_json::from_value(strings).expect("parses");
    assert_eq!(
        parsed_strings.items[0].id, item.id,
        "an id sent as a string reads the same"
    );

    let prices = &ok_bodies("v5_product_info_prices.json")[0];
    let parsed: PricesInfoResponse = serde_json::from_value(prices.clone()).expect("parses");
    let recorded = prices["items"][0]["price"]["price"].clone();
    assert_eq!(
        parsed.items[0]
            .price
            .price
            .as_ref()
            .map(|m| m.as_str().to_string()),
        Some(recorded.to_string().trim_matches('"').to_string()),
        "a number price keeps its decimal text"
    );
}

#[test]
fn roles_and_legacy_image_strings_parse() {
    let roles: RolesResponse = serde_json::from_value(json!({
        "expires_at": "2026-02-18T09:54:23.296Z",
        "roles": [{"name": "Admin", "methods": ["/v1/actions"]}, {"name": null}]
    }))
    .expect("roles");
    assert_eq!(
        roles.expires_at.as_deref(),
        Some("2026-02-18T09:54:23.296Z")
    );
    let legacy: ProductInfoResponse = serde_json::from_value(json!({
        "items": [{"id": "7", "primary_image": "https://cdn/1.jpg", "images": ["https://cdn/1.jpg", "https://cdn/2.jpg"]}]
    }))
    .expect("legacy");
    assert_eq!(
        legacy.items[0].ordered_images(false),
        ["https://cdn/1.jpg", "https://cdn/2.jpg"]
    );
}
