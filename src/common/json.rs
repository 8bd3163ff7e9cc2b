//! Reading numbers the marketplaces send in any JSON spelling (Ozon, Douyin and 抖店 alike).

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A JSON column's value; one that does not parse is a decode error naming the row (`what`,
/// say "listing_drafts A-1 data"), never a default.
pub fn column<T: DeserializeOwned>(what: &str, json: &str) -> sqlx::Result<T> {
    serde_json::from_str(json)
        .map_err(|e| sqlx::Error::Decode(format!("{what} 不是有效的 JSON：{e}").into()))
}

/// [`column`] of a nullable column: absent is the type's default.
pub fn column_or_default<T: DeserializeOwned + Default>(
    what: &str,
    json: Option<&str>,
) -> sqlx::Result<T> {
    json.map_or_else(|| Ok(T::default()), |j| column(what, j))
}

/// An integer in any JSON spelling the platforms use: `123`, `"123"`, `1.0E+2`, `"137285792.0"`.
/// Anything else (a fraction, text, null, beyond i64) reads as absent.
pub fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok()))
            .or_else(|| n.as_f64().and_then(whole)),
        Value::String(s) => int_text(s.trim()),
        _ => None,
    }
}

fn int_text(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    // "137285792.0": a whole number written with a fraction of zeros, exact at any size.
    if let Some((whole_part, frac)) = s.split_once('.') {
        if !frac.is_empty() && frac.bytes().all(|b| b == b'0') && !frac.contains(['e', 'E']) {
            if let Ok(n) = whole_part.parse::<i64>() {
                return Some(n);
            }
        }
    }
    s.parse::<f64>().ok().and_then(whole)
}

/// A float that is a whole number small enough to be exact.
fn whole(f: f64) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    (f.is_finite() && f.fract() == 0.0 && f.abs() <= EXACT).then_some(f as i64)
}
