//! The odd-but-legal shapes Ozon is known to send (`wire/field-facts-2026-12.md`), switched on
//! with `SHOPBRIDGE_SIM_ODD_SHAPES=1` (or `SimConfig::odd_shapes`): integers spelled as strings,
//! as `"123.0"` and as whole floats, a `null` member in every list, `total` and `total_items`
//! side by side, errors answered inside HTTP 200, and now and then an HTML gateway page instead
//! of JSON (before the call is carried out). Every client suite runs once with it on.

use serde_json::{Map, Value};

/// Whether the environment asks for odd shapes.
pub fn from_env() -> bool {
    std::env::var("SHOPBRIDGE_SIM_ODD_SHAPES").is_ok_and(|v| v == "1" || v == "true")
}

/// Every this-many calls answers an HTML 502 page instead.
pub const HTML_EVERY: u32 = 9;

pub const HTML_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Integer fields whose spelling varies between Ozon's methods and versions.
const RESPELLED: &[&str] = &[
    "id",
    "product_id",
    "sku",
    "task_id",
    "total",
    "warehouse_id",
    "present",
    "reserved",
    "description_category_id",
    "type_id",
    "attribute_id",
];

/// Reshapes a success body; `seed` varies the spelling from call to call.
pub fn reshape(body: &mut Value, seed: u32) {
    walk(body, seed);
}

fn walk(v: &mut Value, seed: u32) {
    match v {
        Value::Object(map) => {
            respell(map, seed);
            if let Some(total) = map.get("total").cloned() {
                map.entry("total_items").or_insert(total);
            }
            for child in map.values_mut() {
                walk(child, seed.wrapping_add(1));
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                walk(item, seed.wrapping_add(7));
            }
            // A null member in every list of objects or strings (not in numeric tuples).
            if items
                .first()
                .is_some_and(|f| f.is_object() || f.is_string())
            {
                items.insert(items.len() / 2, Value::Null);
            }
        }
        _ => {}
    }
}

fn respell(map: &mut Map<String, Value>, seed: u32) {
    for key in RESPELLED {
        let Some(Value::Number(n)) = map.get(*key) else {
            continue;
        };
        let Some(i) = n.as_i64() else { continue };
        let odd = match seed % 3 {
            0 => Value::String(i.to_string()),
            1 => Value::String(format!("{i}.0")),
            // A whole float only where it is exact.
            _ if i.unsigned_abs() < (1 << 53) => serde_json::Number::from_f64(i as f64)
                .map(Value::Number)
                .unwrap_or(Value::from(i)),
            _ => Value::String(i.to_string()),
        };
        map.insert((*key).to_string(), odd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshaped_bodies_keep_their_meaning_for_a_tolerant_reader() {
        let mut body = serde_json::json!({"result": {"items": [{"product_id": 7, "offer_id": "A"}], "total": 1}});
        reshape(&mut body, 1);
        assert_eq!(body["result"]["total_items"], body["result"]["total"]);
        let items = body["result"]["items"].as_array().expect("items");
        assert_eq!(items.len(), 2);
        assert!(items.iter().any(Value::is_null));
        let item = items.iter().find(|v| v.is_object()).expect("item");
        assert_eq!(
            crate::ozon::client::de::int_of(&item["product_id"]),
            Some(7)
        );
        assert!(!item["product_id"].is_i64(), "respelled: {item}");
    }
}
