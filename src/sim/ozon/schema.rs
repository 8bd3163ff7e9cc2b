//! The official swagger (`fixtures/wire/ozon-swagger-2026-04-30.json`) as the simulator's
//! gateway: every request body is validated against its method's request schema with object
//! schemas closed (`additionalProperties: false`), so a misnamed, mistyped or missing field is
//! refused with HTTP 400 as Ozon's gateway refuses it. The contract tests use the same check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

const SWAGGER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/wire/ozon-swagger-2026-04-30.json"
));

fn swagger() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(SWAGGER).unwrap_or(Value::Null))
}

/// Closes every object schema that lists its properties. Two swagger quirks are mended: a
/// `required` name the schema never defines (the retired `quant_size`) is dropped, and a
/// Swagger-2 style `"required": true` on a property is removed.
fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            let defined: Vec<String> = map
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            if map.get("required").is_some_and(Value::is_boolean) {
                map.remove("required");
            }
            if let Some(Value::Array(required)) = map.get_mut("required") {
                if !defined.is_empty() {
                    required.retain(|r| {
                        r.as_str()
                            .is_some_and(|name| defined.iter().any(|d| d == name))
                    });
                }
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// The closed request schema of `path` with the swagger's components alongside for `$ref`s;
/// `None` for methods that take no body (`/v1/roles`, `/v4/product/info/limit`).
pub fn request_schema(path: &str) -> Option<Value> {
    let op = &swagger()["paths"][path]["post"];
    let schema = op["requestBody"]["content"]["application/json"]["schema"].clone();
    if schema.is_null() {
        return None;
    }
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    let components = COMPONENTS.get_or_init(|| {
        let mut c = swagger()["components"].clone();
        close_objects(&mut c);
        c
    });
    let mut root = schema;
    close_objects(&mut root);
    if let Value::Object(map) = &mut root {
        map.insert("components".into(), components.clone());
    }
    Some(root)
}

type Validators = Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>;

/// Why `body` is not a valid request of `path` (empty when it is, or when the method has no
/// request schema). Validators are compiled once per method.
pub fn request_errors(path: &str, body: &Value) -> Vec<String> {
    static CACHE: OnceLock<Validators> = OnceLock::new();
    let cache = CACHE.get_or_init(Validators::default);
    let validator = {
        let Ok(mut map) = cache.lock() else {
            return Vec::new();
        };
        map.entry(path.to_string())
            .or_insert_with(|| {
                request_schema(path)
                    .and_then(|s| jsonschema::draft4::new(&s).ok())
                    .map(Arc::new)
            })
            .clone()
    };
    match validator {
        Some(v) => v
            .iter_errors(body)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect(),
        None => Vec::new(),
    }
}
