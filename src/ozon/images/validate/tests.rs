use super::*;

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

#[test]
fn articles_are_trimmed_and_deduplicated() {
    let got = articles(&strings(&[" A-1 ", "B", "A-1", "货号"])).expect("valid");
    let got: Vec<&str> = got.iter().map(|a| a.as_str()).collect();
    assert_eq!(got, ["A-1", "B", "货号"]);
}

#[test]
fn hostile_articles_are_refused_with_their_position() {
    for (value, code) in [
        ("../etc/passwd", "INVALID_ARTICLE"),
        ("a/b", "INVALID_ARTICLE"),
        ("a\\b", "INVALID_ARTICLE"),
        ("..", "INVALID_ARTICLE"),
        ("a\u{0}b", "INVALID_ARTICLE"),
        ("  ", "INVALID_ARTICLE"),
    ] {
        let err = articles(&strings(&["ok", value])).expect_err(value);
        assert_eq!(err.code, code, "{value}");
        assert!(err.message.contains("第 2 个货号"), "{}", err.message);
    }
    let long = "x".repeat(51);
    let err = articles(&[long]).expect_err("long");
    assert!(err.message.contains("51"), "{}", err.message);
    assert_eq!(articles(&[]).expect_err("empty").code, "INVALID_ARTICLES");
    let many: Vec<String> = (0..101).map(|i| format!("A{i}")).collect();
    assert_eq!(articles(&many).expect_err("101").code, "INVALID_ARTICLES");
    let dup: Vec<String> = (0..150).map(|i| format!("A{}", i % 100)).collect();
    assert_eq!(articles(&dup).expect("100 distinct").len(), 100);
}

#[test]
fn user_ids_follow_the_same_rules() {
    assert_eq!(user_id(" user_123 ").expect("valid").as_str(), "user_123");
    for bad in ["", "../x", "a/b", "a\nb", &"u".repeat(51)] {
        assert_eq!(user_id(bad).expect_err(bad).code, "INVALID_USER_ID");
    }
}

#[test]
fn pasted_text_splits_on_lines_and_separators() {
    assert_eq!(
        split_lines("A\r\nB, C\n\n D ；E"),
        strings(&["A", "B", "C", "D", "E"])
    );
}

#[test]
fn credentials_and_options_are_checked() {
    assert!(credential("100001", "key").is_ok());
    assert_eq!(
        credential("", "k").expect_err("empty").code,
        "INVALID_CREDENTIAL"
    );
    assert_eq!(
        credential("1", " ").expect_err("empty key").code,
        "INVALID_CREDENTIAL"
    );
    let bad = ProcessOptions {
        max_side: Some(5),
        ..Default::default()
    };
    assert_eq!(options(&bad).expect_err("side").code, "INVALID_OPTIONS");
    assert!(options(&ProcessOptions::default()).is_ok());
}
