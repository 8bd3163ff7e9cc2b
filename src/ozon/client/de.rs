//! Tolerant parsing for Ozon's bodies: int64 as a number or a string, money as exact decimal
//! text (never f64 arithmetic), images as an array or a legacy string, nulls anywhere.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// An int64 Ozon may send as `123` or `"123"`; anything else reads as absent.
pub fn int64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list of int64s, each a number or a string; unreadable entries are skipped.
pub fn int64_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
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

/// Deserialises any body, treating a JSON `null` as the type's default.
pub fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A bool that may be null, absent, or the string "true"/"false".
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
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
