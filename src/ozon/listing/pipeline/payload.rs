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
        price: draft.price.trim().to_string(),
        old_price: draft.old_price.trim().to_string(),
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
        price: draft.price.trim().to_string(),
        old_price: draft.old_price.trim().to_string(),
        vat: or_zero(&draft.vat),
        currency_code: draft.currency_code.trim().to_string(),
    }
}

/// `/v1/product/import/prices` item ("0" resets the old price).
pub fn price_item(draft: &Draft) -> PriceItem {
    PriceItem {
        offer_id: draft.offer_id.trim().to_string(),
        price: draft.price.trim().to_string(),
        old_price: or_zero(&draft.old_price),
        min_price: String::new(),
        currency_code: draft.currency_code.trim().to_string(),
        vat: or_zero(&draft.vat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(price_item(&draft).old_price, "0");
    }
}
