//! Categories for the simulator: the recorded tree and attributes from the fixtures, and a
//! dictionary of recorded values extended with generated ones, paged by `last_value_id`.

use serde_json::{json, Value};

const TREE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/ozon/v1_description_category_tree.json"
));
const ATTRIBUTES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/ozon/v1_description_category_attribute.json"
));
const VALUES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/ozon/v1_description_category_attribute_values.json"
));

/// How many dictionary values each attribute has (recorded ones first).
pub const DICTIONARY_SIZE: usize = 250;

fn first_body(fixture: &str) -> Value {
    let parsed: Value = serde_json::from_str(fixture).unwrap_or(Value::Null);
    parsed["responses"][0]["body"].clone()
}

pub fn tree() -> Value {
    first_body(TREE)
}

/// The attributes, with the ids in `now_required` made required (as Ozon does over time).
pub fn attributes_requiring(now_required: &[i64]) -> Value {
    let mut body = attributes();
    if let Some(list) = body["result"].as_array_mut() {
        for attr in list {
            if now_required.contains(&attr["id"].as_i64().unwrap_or(0)) {
                attr["is_required"] = Value::Bool(true);
            }
        }
    }
    body
}

/// The recorded attributes plus a required ТН ВЭД code (22232), as Ozon added in 2025.
pub fn attributes() -> Value {
    let mut body = first_body(ATTRIBUTES);
    if let Some(list) = body["result"]
        .as_array_mut()
        .filter(|list| !list.iter().any(|a| a["id"] == 22232))
    {
        list.push(json!({
            "id": 22232, "attribute_complex_id": 0, "name": "ТН ВЭД коды ЕАЭС", "description": "",
            "type": "String", "is_collection": false, "is_required": true, "is_aspect": false,
            "max_value_count": 0, "group_name": "", "group_id": 0, "dictionary_id": 1_107_000,
            "category_dependent": true, "complex_is_collection": false
        }));
    }
    body
}

fn dictionary() -> Vec<Value> {
    let mut values: Vec<Value> = first_body(VALUES)["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut n = 0;
    while values.len() < DICTIONARY_SIZE {
        n += 1;
        values.push(
            json!({"id": 5_000_000 + n, "value": format!("生成值 {n}"), "info": "", "picture": ""}),
        );
    }
    values.sort_by_key(|v| v["id"].as_i64().unwrap_or(0));
    values
}

/// One page after `last_value_id`, with `has_next`.
pub fn values(body: &Value, withdrawn: &[i64]) -> Value {
    let after = body["last_value_id"].as_i64().unwrap_or(0);
    let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 2000) as usize;
    let rest: Vec<Value> = dictionary()
        .into_iter()
        .filter(|v| v["id"].as_i64().unwrap_or(0) > after)
        .filter(|v| !withdrawn.contains(&v["id"].as_i64().unwrap_or(0)))
        .collect();
    let has_next = rest.len() > limit;
    json!({"result": rest.into_iter().take(limit).collect::<Vec<_>>(), "has_next": has_next})
}

/// Values containing `value` (at least 2 characters), case-insensitively.
pub fn search(body: &Value) -> Value {
    let needle = body["value"].as_str().unwrap_or_default().to_lowercase();
    if needle.chars().count() < 2 {
        return json!({"result": []});
    }
    let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let found: Vec<Value> = dictionary()
        .into_iter()
        .filter(|v| {
            v["value"]
                .as_str()
                .unwrap_or_default()
                .to_lowercase()
                .contains(&needle)
        })
        .take(limit)
        .collect();
    json!({"result": found})
}
