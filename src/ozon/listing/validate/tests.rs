//! Each rule on its own, against a draft that is otherwise valid, and the real recorded
//! attributes of `fixtures/ozon`.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::ozon::client::catalog::AttributesResponse;
use crate::ozon::listing::{DraftAttribute, DraftStock, DraftValue};

const ATTRIBUTES: &str =
    include_str!("../../../../fixtures/ozon/v1_description_category_attribute.json");

/// The recorded attributes, as the cache would give them.
fn recorded_specs() -> Vec<AttributeSpec> {
    let fixture: serde_json::Value = serde_json::from_str(ATTRIBUTES).expect("fixture");
    let body: AttributesResponse =
        serde_json::from_value(fixture["responses"][0]["body"].clone()).expect("attributes");
    body.result
        .into_iter()
        .map(|a| AttributeSpec {
            id: a.id.unwrap_or_default(),
            name: a.name,
            kind: a.kind,
            is_collection: a.is_collection,
            is_required: a.is_required,
            max_value_count: a.max_value_count.unwrap_or_default(),
            dictionary_id: a.dictionary_id.unwrap_or_default(),
            group_name: a.group_name,
        })
        .collect()
}

fn spec(id: i64, kind: &str, required: bool, dictionary: i64) -> AttributeSpec {
    AttributeSpec {
        id,
        name: format!("属性{id}"),
        kind: kind.into(),
        is_required: required,
        dictionary_id: dictionary,
        ..Default::default()
    }
}

fn facts() -> CatalogFacts {
    CatalogFacts {
        pair_known: true,
        attributes: vec![
            spec(85, "String", true, 28_732_849),
            spec(4180, "String", true, 0),
            spec(9454, "Integer", false, 0),
            spec(22232, "String", true, 1_107_000),
        ],
        values: HashMap::from([
            (85, HashSet::from([5_060_050, 971_001])),
            (22232, HashSet::from([972_000])),
        ]),
    }
}

fn value(id: i64, dictionary: Option<i64>, text: &str) -> DraftAttribute {
    DraftAttribute {
        id,
        values: vec![DraftValue {
            dictionary_value_id: dictionary,
            value: text.into(),
        }],
    }
}

fn valid() -> Draft {
    Draft {
        offer_id: "SB-100".into(),
        name: "陶瓷马克杯 350ml".into(),
        description_category_id: Some(17_028_922),
        type_id: Some(91_565),
        barcode: "4600051000057".into(),
        depth: "12".into(),
        width: "9".into(),
        height: "10".into(),
        dimension_unit: "cm".into(),
        weight: "350".into(),
        weight_unit: "g".into(),
        price: "899".into(),
        old_price: "1099".into(),
        vat: "0".into(),
        currency_code: "CNY".into(),
        attributes: vec![
            value(85, Some(5_060_050), "Без бренда"),
            value(4180, None, "Кружка"),
            value(22232, Some(972_000), "6912"),
        ],
        images: vec!["https://cdn.example.com/a.jpg".into()],
        stocks: vec![DraftStock {
            warehouse_id: 22_142_605_386_000,
            stock: "12".into(),
        }],
        ..Default::default()
    }
}

/// Breaks one thing in a valid draft.
type Breaker = Box<dyn Fn(&mut Draft)>;

fn fields(draft: &Draft) -> Vec<String> {
    validate(draft, &facts())
        .into_iter()
        .map(|p| p.field)
        .collect()
}

#[test]
fn a_complete_draft_has_no_problems() {
    assert_eq!(validate(&valid(), &facts()), vec![]);
}

#[test]
fn each_rule_names_its_field() {
    let cases: Vec<(Breaker, &str)> = vec![
        (Box::new(|d| d.offer_id = String::new()), "offer_id"),
        (
            Box::new(|d| d.offer_id = "../etc/passwd".into()),
            "offer_id",
        ),
        (Box::new(|d| d.name = "名".repeat(501)), "name"),
        (Box::new(|d| d.type_id = None), "type_id"),
        (Box::new(|d| d.barcode = "4600051000058".into()), "barcode"),
        (Box::new(|d| d.depth = "0".into()), "depth"),
        (Box::new(|d| d.width = "abc".into()), "width"),
        (
            Box::new(|d| d.dimension_unit = "m".into()),
            "dimension_unit",
        ),
        (Box::new(|d| d.weight_unit = "t".into()), "weight_unit"),
        (Box::new(|d| d.weight = "900000".into()), "weight"),
        (Box::new(|d| d.weight = "0.0001".into()), "weight"),
        (Box::new(|d| d.price = "-5".into()), "price"),
        (Box::new(|d| d.old_price = "800".into()), "old_price"),
        (Box::new(|d| d.vat = "0.18".into()), "vat"),
        (
            Box::new(|d| d.currency_code = String::new()),
            "currency_code",
        ),
        (
            Box::new(|d| d.attributes.retain(|a| a.id != 22232)),
            "attributes.22232",
        ),
        (
            Box::new(|d| d.attributes[0] = value(85, Some(1), "")),
            "attributes.85",
        ),
        (
            Box::new(|d| d.attributes[0] = value(85, None, "Nike")),
            "attributes.85",
        ),
        (
            Box::new(|d| d.attributes.push(value(9454, None, "3.5"))),
            "attributes.9454",
        ),
        (
            Box::new(|d| d.attributes.push(value(777, None, "x"))),
            "attributes.777",
        ),
        (Box::new(|d| d.images.clear()), "images"),
        (
            Box::new(|d| d.images = vec!["https://x/a.jpg".into(); 31]),
            "images",
        ),
        (
            Box::new(|d| d.images[0] = "javascript:alert(1)".into()),
            "images.1",
        ),
        (Box::new(|d| d.stocks[0].stock = "-1".into()), "stocks.1"),
        (
            Box::new(|d| {
                d.mode = DraftMode::FollowSku;
                d.follow_sku = String::new();
            }),
            "follow_sku",
        ),
        (
            Box::new(|d| {
                d.mode = DraftMode::FollowBarcode;
                d.barcode = String::new();
            }),
            "barcode",
        ),
    ];
    for (i, (break_it, field)) in cases.into_iter().enumerate() {
        let mut draft = valid();
        break_it(&mut draft);
        let got = fields(&draft);
        assert_eq!(
            got,
            vec![field.to_string()],
            "case {i}: {:?}",
            validate(&draft, &facts())
        );
    }
}

#[test]
fn an_unknown_pair_and_value_counts_are_caught() {
    let mut unknown = facts();
    unknown.pair_known = false;
    assert!(validate(&valid(), &unknown)
        .iter()
        .any(|p| p.field == "type_id"));
    let mut many = facts();
    many.attributes[1].is_collection = true;
    many.attributes[1].max_value_count = 2;
    let mut draft = valid();
    draft.attributes[1].values = vec![
        DraftValue {
            dictionary_value_id: None,
            value: "a".into(),
        },
        DraftValue {
            dictionary_value_id: None,
            value: "b".into(),
        },
        DraftValue {
            dictionary_value_id: None,
            value: "c".into(),
        },
    ];
    let problems = validate(&draft, &many);
    assert!(
        problems.iter().any(|p| p.message.contains("最多 2 个值")),
        "{problems:?}"
    );
}

#[test]
fn the_recorded_attributes_make_their_required_ones_required() {
    let specs = recorded_specs();
    let required: Vec<i64> = specs
        .iter()
        .filter(|s| s.is_required)
        .map(|s| s.id)
        .collect();
    assert!(!required.is_empty(), "the fixture has required attributes");
    let facts = CatalogFacts {
        pair_known: true,
        attributes: specs,
        values: HashMap::new(),
    };
    let mut draft = valid();
    draft.attributes.clear();
    let problems = validate(&draft, &facts);
    for id in required {
        assert!(
            problems
                .iter()
                .any(|p| p.field == format!("attributes.{id}")),
            "required attribute {id} is reported: {problems:?}"
        );
    }
}
