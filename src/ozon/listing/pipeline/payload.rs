//! Drafts turned into Ozon's request items.

use crate::ozon::client::commerce::PriceItem;
use crate::ozon::client::products::{
    ImportAttribute, ImportAttributeValue, ImportBySkuItem, ImportItem,
};
use crate::ozon::listing::domain::{grams_per, mm_per, Decimal};
use crate::ozon::listing::{AttributeSpec, Draft, DraftMode};

/// A size in whole units: kept in the draft's unit when it is whole, else in mm (or g).
fn whole(value: &str, unit: &str, base: &str, per: fn(&str) -> Option<f64>) -> (i64, String) {
    let Some(v) = Decimal::parse(value) else {
        return (0, unit.to_string());
    };
    if v.micros() % 1_000_000 == 0 {
        return ((v.micros() / 1_000_000) as i64, unit.to_string());
    }
    let factor = per(unit).unwrap_or(1.0);
    ((v.as_f64() * factor).round() as i64, base.to_string())
}

/// A size in the draft's unit (`keep`) or converted to mm.
fn size_in(value: &str, unit: &str, keep: bool) -> i64 {
    let Some(v) = Decimal::parse(value) else {
        return 0;
    };
    if keep {
        return (v.micros() / 1_000_000) as i64;
    }
    (v.as_f64() * mm_per(unit).unwrap_or(1.0)).round() as i64
}

/// An optional amount: empty stays empty (not sent), anything else as [`money`].
fn optional_money(value: &str) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        money(value)
    }
}

fn or_zero(value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        "0".into()
    } else {
        v.to_string()
    }
}

/// `/v3/product/import` item. Following by barcode sends only the required attributes, so
/// nothing conflicts with the card Ozon matches.
pub fn import_item(draft: &Draft, specs: &[AttributeSpec]) -> ImportItem {
    // The three sizes share one unit: if any is not whole in the draft's unit, all go in mm.
    let sizes = [&draft.depth, &draft.width, &draft.height];
    let all_whole = sizes
        .iter()
        .all(|v| Decimal::parse(v).is_none_or(|d| d.micros() % 1_000_000 == 0));
    let size = |v: &str| size_in(v, &draft.dimension_unit, all_whole);
    let (depth, width, height) = (size(&draft.depth), size(&draft.width), size(&draft.height));
    let dimension_unit = if all_whole {
        draft.dimension_unit.clone()
    } else {
        "mm".to_string()
    };
    let (weight, weight_unit) = whole(&draft.weight, &draft.weight_unit, "g", grams_per);
    let required = |id: i64| specs.iter().any(|s| s.id == id && s.is_required);
    let attributes = draft
        .attributes
        .iter()
        .filter(|a| draft.mode != DraftMode::FollowBarcode || required(a.id))
        .filter(|a| {
            a.values
                .iter()
                .any(|v| v.dictionary_value_id.is_some() || !v.value.trim().is_empty())
        })
        .map(|a| ImportAttribute {
            complex_id: 0,
            id: a.id,
            values: a
                .values
                .iter()
                .map(|v| ImportAttributeValue {
                    dictionary_value_id: v.dictionary_value_id,
                    value: v.value.trim().to_string(),
                })
                .collect(),
        })
        .collect();
    ImportItem {
        offer_id: draft.offer_id.trim().to_string(),
        name: draft.name.trim().to_string(),
        description_category_id: draft.description_category_id.unwrap_or(0),
        type_id: draft.type_id.unwrap_or(0),
        barcode: draft.barcode.trim().to_string(),
        price: money(&draft.price),
        old_price: optional_money(&draft.old_price),
        vat: or_zero(&draft.vat),
        currency_code: draft.currency_code.trim().to_string(),
        depth,
        width,
        height,
        dimension_unit,
        weight,
        weight_unit,
        primary_image: draft.images.first().cloned().unwrap_or_default(),
        images: draft.images.iter().skip(1).cloned().collect(),
        attributes,
    }
}

/// `/v1/product/import-by-sku` item.
pub fn by_sku_item(draft: &Draft) -> ImportBySkuItem {
    ImportBySkuItem {
        sku: draft.follow_sku.trim().parse().unwrap_or(0),
        offer_id: draft.offer_id.trim().to_string(),
        name: draft.name.trim().to_string(),
        price: money(&draft.price),
        old_price: optional_money(&draft.old_price),
        vat: or_zero(&draft.vat),
        currency_code: draft.currency_code.trim().to_string(),
    }
}

/// `/v1/product/import/prices` item ("0" resets the old price).
/// Money as Ozon takes it: a decimal string with a decimal point and two decimals (RUB, CNY and
/// the other cabinet currencies). A user's `1300,50`, `1 300,50` or `1,300.50` is normalised;
/// text that is not an amount with at most two decimals is sent as typed, for Ozon to refuse
/// with its reason (the draft validator refuses it before that).
pub fn money(text: &str) -> String {
    let typed = text.trim();
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '\'')
        .collect();
    let dotted = match (compact.contains('.'), compact.matches(',').count()) {
        // 1,300.50: commas group thousands.
        (true, _) => compact.replace(',', ""),
        // 1300,50: the comma is the decimal point.
        (false, 1) => compact.replace(',', "."),
        (false, 0) => compact,
        _ => return typed.to_string(),
    };
    let (whole, frac) = dotted.split_once('.').unwrap_or((&dotted, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
        return typed.to_string();
    }
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    format!("{whole}.{frac:0<2}")
}

pub fn price_item(draft: &Draft) -> PriceItem {
    PriceItem {
        offer_id: draft.offer_id.trim().to_string(),
        price: money(&draft.price),
        old_price: money(&or_zero(&draft.old_price)),
        min_price: String::new(),
        currency_code: draft.currency_code.trim().to_string(),
        vat: or_zero(&draft.vat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_goes_out_with_a_decimal_point_and_two_decimals() {
        for (typed, sent) in [
            ("500", "500.00"),
            ("19.9", "19.90"),
            ("19.99", "19.99"),
            ("1300,50", "1300.50"),
            ("1 300,50", "1300.50"),
            ("1\u{a0}300,5", "1300.50"),
            ("1,300.50", "1300.50"),
            ("0", "0.00"),
            (" 007.5 ", "7.50"),
        ] {
            assert_eq!(money(typed), sent, "{typed}");
        }
        // Not an amount with at most two decimals: sent as typed for Ozon to refuse.
        for odd in ["19.999", "1,2,3", "abc", "-5", ""] {
            assert_eq!(money(odd), odd.trim(), "{odd}");
        }
    }
    use crate::ozon::listing::{DraftAttribute, DraftValue};

    #[test]
    fn sizes_stay_whole_and_barcode_follows_send_only_required_attributes() {
        let mut draft = Draft {
            offer_id: " A-1 ".into(),
            depth: "12.5".into(),
            width: "10".into(),
            height: "3".into(),
            dimension_unit: "cm".into(),
            weight: "0.35".into(),
            weight_unit: "kg".into(),
            images: vec!["https://x/1.jpg".into(), "https://x/2.jpg".into()],
            attributes: vec![
                DraftAttribute {
                    id: 1,
                    values: vec![DraftValue {
                        dictionary_value_id: Some(5),
                        value: String::new(),
                    }],
                },
                DraftAttribute {
                    id: 2,
                    values: vec![DraftValue {
                        dictionary_value_id: None,
                        value: "红".into(),
                    }],
                },
            ],
            ..Default::default()
        };
        let specs = vec![AttributeSpec {
            id: 1,
            is_required: true,
            ..Default::default()
        }];
        let item = import_item(&draft, &specs);
        assert_eq!(
            (
                item.depth,
                item.width,
                item.height,
                item.dimension_unit.as_str()
            ),
            (125, 100, 30, "mm")
        );
        assert_eq!((item.weight, item.weight_unit.as_str()), (350, "g"));
        assert_eq!(item.offer_id, "A-1");
        assert_eq!(item.primary_image, "https://x/1.jpg");
        assert_eq!(item.images, vec!["https://x/2.jpg".to_string()]);
        assert_eq!(item.attributes.len(), 2);
        draft.mode = DraftMode::FollowBarcode;
        let ids: Vec<i64> = import_item(&draft, &specs)
            .attributes
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, vec![1]);
        assert_eq!(
            price_item(&draft).old_price,
            "0.00",
            "money with a decimal point"
        );
    }
}
