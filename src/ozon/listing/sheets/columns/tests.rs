//! The sheet layout: rows and drafts make each other, and rows that cannot be drafts say why.

use super::*;

fn spec(id: i64, name: &str, collection: bool, dictionary: i64) -> AttributeSpec {
    AttributeSpec {
        id,
        name: name.into(),
        kind: "String".into(),
        is_collection: collection,
        is_required: id == 85,
        max_value_count: 0,
        dictionary_id: dictionary,
        group_name: String::new(),
    }
}

#[test]
fn a_row_and_a_draft_make_each_other() {
    let specs = vec![
        spec(4191, "简介", false, 0),
        spec(85, "品牌", false, 28732849),
        spec(10096, "颜色", true, 1),
    ];
    let mut dictionaries = HashMap::new();
    dictionaries.insert(85, vec![(5061932, "Нет бренда".to_string())]);
    dictionaries.insert(
        10096,
        vec![(61571, "红色".to_string()), (61572, "蓝色".to_string())],
    );
    let draft = Draft {
        offer_id: "SB-1".into(),
        name: "=HYPERLINK(\"http://evil\")".into(),
        description_category_id: Some(17028922),
        type_id: Some(91565),
        mode: DraftMode::FollowBarcode,
        barcode: "4006381333931".into(),
        price: "12.50".into(),
        images: vec!["https://a/1.jpg".into(), "https://a/2.jpg".into()],
        stocks: vec![DraftStock {
            warehouse_id: 22,
            stock: "5".into(),
        }],
        attributes: vec![
            DraftAttribute {
                id: 85,
                values: vec![DraftValue {
                    dictionary_value_id: Some(5061932),
                    value: "Нет бренда".into(),
                }],
            },
            DraftAttribute {
                id: 10096,
                values: vec![
                    DraftValue {
                        dictionary_value_id: Some(61572),
                        value: "蓝色".into(),
                    },
                    DraftValue {
                        dictionary_value_id: Some(61571),
                        value: String::new(),
                    },
                ],
            },
            DraftAttribute {
                id: 4191,
                values: vec![DraftValue {
                    dictionary_value_id: None,
                    value: "a; b".into(),
                }],
            },
        ],
        ..Draft::default()
    };
    let cols = columns(&specs);
    assert_eq!(
        cols[FIELDS.len()],
        Column::Attribute {
            id: 85,
            name: "品牌".into(),
            required: true
        }
    );
    let header: Vec<String> = cols.iter().map(Column::header).collect();
    assert_eq!(header[0], "货号* (offer_id)");
    assert_eq!(header[FIELDS.len()], "品牌* [85]");
    let parsed: Vec<Option<Column>> = header.iter().map(|h| Column::from_header(h)).collect();
    assert!(parsed.iter().all(Option::is_some));
    let row = row_of(&cols, &draft);
    let mut back = draft_of(&parsed, &row).expect("draft");
    shape_attributes(&mut back, &specs, &dictionaries);
    back.attributes.sort_by_key(|a| a.id);
    let mut expected = draft.clone();
    expected.attributes.sort_by_key(|a| a.id);
    assert_eq!(back, expected);
}

#[test]
fn rows_that_cannot_be_drafts_say_why() {
    let header = ["货号", "类目ID", "建卡方式", "库存"].map(Column::from_header);
    let cases = [
        (["", "1", "", ""], "货号为空"),
        (["../etc/passwd", "1", "", ""], "不能包含 /"),
        (["A", "abc", "", ""], "类目ID「abc」不是数字"),
        (["A", "1", "抢购", ""], "建卡方式「抢购」无效"),
        (["A", "1", "", "10"], "仓库ID:数量"),
        (["A", "1", "", "x:10"], "仓库ID「x」"),
    ];
    for (cells, expected) in cases {
        let row: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
        let err = draft_of(&header, &row).expect_err(expected);
        assert!(err.contains(expected), "{err}");
    }
    let row: Vec<String> = ["A", "", "按SKU跟卖", "1:2；3：4"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let d = draft_of(&header, &row).expect("ok");
    assert_eq!(d.mode, DraftMode::FollowSku);
    assert_eq!(d.stocks.len(), 2);
    assert_eq!(Column::from_header("whatever"), None);
    assert_eq!(
        Column::from_header("offer_id"),
        Some(Column::Field("offer_id"))
    );
}

#[test]
fn unknown_dictionary_text_keeps_the_text_without_an_id() {
    let specs = vec![spec(85, "品牌", false, 1)];
    let mut dictionaries = HashMap::new();
    dictionaries.insert(85, vec![(1, "Acme".to_string())]);
    let mut d = Draft {
        attributes: vec![DraftAttribute {
            id: 85,
            values: vec![DraftValue {
                dictionary_value_id: None,
                value: "acme".into(),
            }],
        }],
        ..Draft::default()
    };
    shape_attributes(&mut d, &specs, &dictionaries);
    assert_eq!(d.attributes[0].values[0].dictionary_value_id, Some(1));
    d.attributes[0].values = vec![DraftValue {
        dictionary_value_id: None,
        value: "Nobody".into(),
    }];
    shape_attributes(&mut d, &specs, &dictionaries);
    assert_eq!(
        d.attributes[0].values[0],
        DraftValue {
            dictionary_value_id: None,
            value: "Nobody".into()
        }
    );
}
