//! Tolerant parsing for Ozon's bodies: int64 as a number or a string, money as exact decimal
//! text (never f64 arithmetic), images as an array or a legacy string, nulls anywhere.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub use crate::common::json::int_of;

/// An int64 Ozon may send as a number or a string in any spelling; anything else is absent.
pub fn int64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?))
}

/// A list of int64s, each a number or a string; unreadable entries are skipped.
pub fn int64_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.iter().filter_map(int_of).collect(),
        _ => Vec::new(),
    })
}

/// A list whose members are read one by one: `null` members and members that do not read as
/// `T` are skipped, so one odd member never fails the whole answer. A missing list, `null` or
/// a non-array is empty.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter(|v| !v.is_null())
            .filter_map(|v| match serde_json::from_value(v) {
                Ok(t) => Some(t),
                Err(err) => {
                    tracing::debug!(error = %err, "odd list member skipped");
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// The count of a page: `total_items` when Ozon sends it, else the older `total`.
pub fn total(total: Option<i64>, total_items: Option<i64>) -> Option<i64> {
    total_items.or(total)
}

/// A list of strings that may be a single string (legacy `primary_image`), null or absent.
pub fn string_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::String(s) => vec![s],
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) if !s.is_empty() => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// A string that may be null.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

/// An exact decimal amount kept as text ("1300.00"). Ozon sends strings in most methods and
/// numbers in `/v5/product/info/prices`; numbers are taken from their shortest decimal form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Money(String);

impl Money {
    pub fn parse(text: &str) -> Option<Money> {
        let text = text.trim();
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let valid = !whole.is_empty()
            && whole.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit());
        valid.then(|| Money(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A money field: a decimal string, a number, `""`, null or a placeholder (read as absent).
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Money>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Money::parse(&s),
        Value::Number(n) => Money::parse(&n.to_string()),
        _ => None,
    })
}

/// Any member: `null`, or a value of the wrong shape (a string where an object belongs), reads
/// as the type's default instead of failing the whole answer.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    Ok(serde_json::from_value(Value::deserialize(d)?).unwrap_or_default())
}

/// A bool that may be null, absent, the string "true"/"false" or a number (1/0).
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true") || s.trim() == "1",
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "int64")]
        id: Option<i64>,
        #[serde(default, deserialize_with = "money")]
        price: Option<Money>,
        #[serde(default, deserialize_with = "string_or_list")]
        images: Vec<String>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).expect("parses")
    }

    #[test]
    fn ids_come_as_numbers_or_strings() {
        assert_eq!(
            probe(r#"{"id": 3339791176800}"#).id,
            Some(3_339_791_176_800)
        );
        assert_eq!(
            probe(r#"{"id": "3339791176800"}"#).id,
            Some(3_339_791_176_800)
        );
        assert_eq!(probe(r#"{"id": null}"#).id, None);
        assert_eq!(probe(r#"{}"#).id, None);
    }

    #[test]
    fn integers_in_every_json_spelling() {
        for text in [
            r#"{"id": 100}"#,
            r#"{"id": "100"}"#,
            r#"{"id": 1.0E+2}"#,
            r#"{"id": 100.0}"#,
            r#"{"id": "100.0"}"#,
            r#"{"id": "1e2"}"#,
            r#"{"id": " 100 "}"#,
        ] {
            assert_eq!(probe(text).id, Some(100), "{text}");
        }
        assert_eq!(probe(r#"{"id": "137285792.0"}"#).id, Some(137_285_792));
        assert_eq!(
            probe(r#"{"id": "9223372036854775807.00"}"#).id,
            Some(i64::MAX)
        );
        for odd in [
            r#"{"id": 1.5}"#,
            r#"{"id": "abc"}"#,
            r#"{"id": 18446744073709551615}"#,
            r#"{"id": true}"#,
            r#"{"id": [1]}"#,
        ] {
            assert_eq!(probe(odd).id, None, "{odd}");
        }
    }

    #[derive(Deserialize, Debug)]
    struct Member {
        #[serde(deserialize_with = "string")]
        name: String,
    }

    #[derive(Deserialize)]
    struct Listed {
        #[serde(default, deserialize_with = "list")]
        items: Vec<Member>,
        #[serde(default, deserialize_with = "int64_list")]
        ids: Vec<i64>,
    }

    #[test]
    fn one_odd_member_never_fails_a_list() {
        let l: Listed = serde_json::from_str(
            r#"{"items": [null, {"name": "a"}, 7, {"name": null}, "x"], "ids": [1, null, "2", 3.0, "x"]}"#,
        )
        .expect("parses");
        let names: Vec<&str> = l.items.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a", ""]);
        assert_eq!(l.ids, [1, 2, 3]);
        let empty: Listed = serde_json::from_str(r#"{"items": null, "ids": {}}"#).expect("parses");
        assert!(empty.items.is_empty() && empty.ids.is_empty());
    }

    #[test]
    fn money_stays_exact() {
        assert_eq!(
            probe(r#"{"price": "1300.00"}"#).price.map(|m| m.0),
            Some("1300.00".into())
        );
        assert_eq!(
            probe(r#"{"price": 999.99}"#).price.map(|m| m.0),
            Some("999.99".into())
        );
        assert_eq!(
            probe(r#"{"price": 0.1}"#).price.map(|m| m.0),
            Some("0.1".into())
        );
        assert_eq!(probe(r#"{"price": ""}"#).price, None);
        assert_eq!(probe(r#"{"price": "string"}"#).price, None);
        assert_eq!(
            probe(r#"{"price": "-5.5"}"#).price.map(|m| m.0),
            Some("-5.5".into())
        );
    }

    #[test]
    fn images_are_a_list_or_a_legacy_string() {
        assert_eq!(
            probe(r#"{"images": "https://a/1.jpg"}"#).images,
            ["https://a/1.jpg"]
        );
        assert_eq!(
            probe(r#"{"images": ["https://a/1.jpg", ""]}"#).images,
            ["https://a/1.jpg"]
        );
        assert!(probe(r#"{"images": ""}"#).images.is_empty());
        assert!(probe(r#"{"images": null}"#).images.is_empty());
    }
}
