//! Property tests (proptest) over the code that reads what others wrote: the tolerant Ozon
//! parsers and answer classifier, the 抖店/Douyin envelope readers, the 抖店 canonical-JSON
//! signer and the spreadsheet readers. Each property says "never panics" at least; most also
//! say what must come back.

use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON value, nested a few levels, with keys and strings from all of Unicode.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn canonical_json_is_the_same_value_sorted_and_compact(v in any_json()) {
        let text = crate::douyin::sign::canonical_json(&v);
        let back: Value = serde_json::from_str(&text).expect("canonical JSON parses");
        let expected = if v.is_null() || v.as_object().is_some_and(|m| m.is_empty()) {
            json!({})
        } else {
            v.clone()
        };
        prop_assert_eq!(&back, &expected);
        // Sorted: writing the parsed value again gives the same text.
        prop_assert_eq!(crate::douyin::sign::canonical_json(&back), text.clone());
        for how in [crate::douyin::sign::SignMethod::Md5, crate::douyin::sign::SignMethod::HmacSha256] {
            let sig = crate::douyin::sign::sign(how, "app", "secret", "order.searchList", &text, "1700000000");
            prop_assert!(sig.len() == 32 || sig.len() == 64);
            prop_assert!(sig.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }

    #[test]
    fn ozon_integers_never_panic_and_read_back_exactly(n in any::<i64>(), junk in ".{0,24}") {
        use crate::ozon::client::de::int_of;
        prop_assert_eq!(int_of(&json!(n)), Some(n));
        prop_assert_eq!(int_of(&json!(n.to_string())), Some(n));
        prop_assert_eq!(int_of(&json!(format!("{n}.0"))), Some(n));
        let _ = int_of(&json!(junk));
    }

    #[test]
    fn ozon_answers_are_classified_without_panicking(status in 100u16..600, body in any_json(), bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = crate::ozon::client::classify(status, Some(3), body.to_string().as_bytes());
        let _ = crate::ozon::client::classify(status, None, &bytes);
        let _ = crate::douyin::wire::douyin_data(&body);
        let _ = crate::douyin::wire::gateway_data(&body);
        let _ = crate::douyin::wire::tokens_of(&body);
    }

    #[test]
    fn any_bytes_as_a_spreadsheet_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), name in "[a-z]{1,6}\\.(csv|xlsx|xls|txt)") {
        let limits = crate::sheet::limits::Limits::for_bytes(1 << 20);
        let _ = crate::sheet::read::rows(&name, &bytes, &limits);
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&bytes);
        let _ = crate::sheet::read::rows("x.xlsx", &zip, &limits);
        let mut cfb = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        cfb.extend_from_slice(&bytes);
        let _ = crate::sheet::read::rows("x.xls", &cfb, &limits);
    }

    #[test]
    fn what_we_write_reads_back(rows in prop::collection::vec(prop::collection::vec("[^\u{0}-\u{8}\u{b}-\u{1f}\u{fffe}\u{ffff}]{0,10}", 1..5), 1..6)) {
        // Cells as a user could type them: any text but control characters (XML cannot hold them;
        // a carriage return is a line break once XML has read it).
        let limits = crate::sheet::limits::Limits::for_bytes(1 << 20);
        let clean: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        let csv = crate::sheet::csv::write(&clean);
        let text = crate::sheet::read::decode_text(&csv).expect("our CSV decodes");
        let back = crate::sheet::csv::parse(&text, &limits).expect("our CSV parses");
        let unescaped: Vec<Vec<String>> = back
            .iter()
            .map(|r| r.iter().map(|c| crate::sheet::unescape_cell(c)).collect())
            .collect();
        prop_assert_eq!(trimmed(&unescaped), trimmed(&clean));
        let xlsx = crate::sheet::Format::Xlsx.write(&[("s", clean.clone())]);
        let back = crate::sheet::read_table("x.xlsx", &xlsx, 1 << 20).expect("our XLSX reads");
        prop_assert_eq!(trimmed(&back), trimmed(&clean));
    }
}

/// Rows compared as a spreadsheet shows them: blank cells at a row's end and blank rows at the
/// end do not exist, and whitespace-only cells are blank.
fn trimmed(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut r: Vec<String> = r
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        String::new()
                    } else {
                        c.clone()
                    }
                })
                .collect();
            while r.last().is_some_and(|c| c.is_empty()) {
                r.pop();
            }
            r
        })
        .collect();
    while out.last().is_some_and(Vec::is_empty) {
        out.pop();
    }
    out
}
