//! Parse-don't-validate building blocks of a card: GTIN barcodes, exact decimals, units, VAT,
//! and Ozon's discount and density rules. Shared by the editor, the spreadsheet import and the
//! submit step.

use serde::{Deserialize, Serialize};

/// A seller's article on Ozon (`offer_id`), the key of a draft and a pipeline product: trimmed,
/// 1 to 50 characters, no `/`, `\` or control character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OfferId(String);

impl OfferId {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("货号（offer_id）不能为空".into());
        }
        if value.chars().count() > Self::MAX_CHARS
            || value.contains(['/', '\\'])
            || value.chars().any(char::is_control)
        {
            return Err("货号最多 50 个字符，且不能包含 /、\\ 或控制字符".into());
        }
        Ok(OfferId(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for OfferId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OfferId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GTIN-8/12/13/14 whose check digit is right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Barcode(String);

impl Barcode {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if !value.chars().all(|c| c.is_ascii_digit()) {
            return Err("条码只能包含数字".into());
        }
        if ![8, 12, 13, 14].contains(&value.len()) {
            return Err(format!(
                "条码应为 8、12、13 或 14 位（GTIN），现在是 {} 位",
                value.len()
            ));
        }
        let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
            .sum();
        let expected = (10 - sum % 10) % 10;
        if check[0] != expected {
            return Err(format!("条码校验位错误：最后一位应为 {expected}"));
        }
        Ok(Barcode(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An exact non-negative decimal (money, sizes): digits, an optional point, at most 6 places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    /// The value times 10^6.
    micros: i128,
}

impl Decimal {
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().replace(',', ".");
        let (int, frac) = value.split_once('.').unwrap_or((&value, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 6
            || int.len() > 18
        {
            return None;
        }
        let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let frac_micros: i128 = format!("{frac:0<6}").parse().ok()?;
        Some(Decimal {
            micros: int * 1_000_000 + frac_micros,
        })
    }

    pub fn is_zero(self) -> bool {
        self.micros == 0
    }

    pub fn as_f64(self) -> f64 {
        self.micros as f64 / 1e6
    }

    pub fn micros(self) -> i128 {
        self.micros
    }
}

pub const DIMENSION_UNITS: &[&str] = &["mm", "cm", "in"];
pub const WEIGHT_UNITS: &[&str] = &["g", "kg", "lb"];
/// VAT as Ozon takes it in requests (0.22 is the 2026 Russian rate).
pub const VAT_VALUES: &[&str] = &["0", "0.05", "0.07", "0.1", "0.2", "0.22"];

/// Millimetres per unit.
pub fn mm_per(unit: &str) -> Option<f64> {
    match unit {
        "mm" => Some(1.0),
        "cm" => Some(10.0),
        "in" => Some(25.4),
        _ => None,
    }
}

/// Grams per unit.
pub fn grams_per(unit: &str) -> Option<f64> {
    match unit {
        "g" => Some(1.0),
        "kg" => Some(1000.0),
        "lb" => Some(453.592_37),
        _ => None,
    }
}

/// Ozon's density bounds, in g/cm³.
pub const DENSITY_MIN: f64 = 0.001;
pub const DENSITY_MAX: f64 = 13.55;

/// Why this old price / price pair breaks Ozon's discount rules (§2.8), if it does. Thresholds
/// are in roubles; for other currencies only "old price above price, discount under 90 %".
pub fn discount_problem(price: Decimal, old_price: Decimal, currency: &str) -> Option<String> {
    if old_price.is_zero() {
        return None;
    }
    if old_price.micros() <= price.micros() {
        return Some("划线价（old_price）必须高于售价".into());
    }
    let diff = old_price.micros() - price.micros();
    if diff * 10 >= old_price.micros() * 9 {
        return Some("折扣不能达到 90% 或更高".into());
    }
    if currency != "RUB" {
        return None;
    }
    let rub = |n: i128| n * 1_000_000;
    if price.micros() < rub(400) && diff < rub(20) {
        Some("售价低于 400 ₽ 时，划线价至少要高 20 ₽".into())
    } else if (rub(400)..=rub(10_000)).contains(&price.micros())
        && diff * 100 < old_price.micros() * 5
    {
        Some("售价在 400–10000 ₽ 之间时，折扣至少 5%".into())
    } else if price.micros() > rub(10_000) && diff < rub(500) {
        Some("售价高于 10000 ₽ 时，划线价至少要高 500 ₽".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits() {
        for valid in [
            "4006381333931",
            "73513537",
            "036000291452",
            "10012345678902",
            "4600051000057",
        ] {
            assert!(Barcode::parse(valid).is_ok(), "{valid}");
        }
        for (invalid, why) in [
            ("4006381333932", "校验位"),
            ("73513538", "校验位"),
            ("036000291453", "校验位"),
            ("12345", "位"),
            ("40063813339a1", "数字"),
            ("", "位"),
        ] {
            let err = Barcode::parse(invalid).expect_err(invalid);
            assert!(err.contains(why), "{invalid}: {err}");
        }
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(Decimal::parse("1.10"), Decimal::parse("1.1"));
        assert_eq!(Decimal::parse("0,5").map(|d| d.micros()), Some(500_000));
        assert_eq!(Decimal::parse(".5").map(|d| d.micros()), Some(500_000));
        for bad in ["", ".", "-1", "1e3", "abc", "1.1234567", "1.2.3"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
        let a = Decimal::parse("0.1").expect("a");
        let b = Decimal::parse("0.2").expect("b");
        assert_eq!(
            a.micros() + b.micros(),
            Decimal::parse("0.3").expect("c").micros()
        );
    }

    #[test]
    fn discount_rules_follow_ozon() {
        let d = |s: &str| Decimal::parse(s).expect(s);
        assert_eq!(discount_problem(d("100"), d("0"), "RUB"), None);
        assert!(discount_problem(d("100"), d("100"), "RUB").is_some());
        assert!(
            discount_problem(d("100"), d("110"), "RUB").is_some(),
            "< 20 ₽ under 400"
        );
        assert_eq!(discount_problem(d("100"), d("120"), "RUB"), None);
        assert!(
            discount_problem(d("1000"), d("1040"), "RUB").is_some(),
            "< 5 %"
        );
        assert_eq!(discount_problem(d("1000"), d("1100"), "RUB"), None);
        assert!(
            discount_problem(d("20000"), d("20400"), "RUB").is_some(),
            "< 500 ₽"
        );
        assert!(
            discount_problem(d("5"), d("100"), "RUB").is_some(),
            "≥ 90 %"
        );
        assert_eq!(discount_problem(d("99"), d("100"), "CNY"), None);
    }
}
