use super::*;

#[test]
fn the_filter_reads_the_page_query() {
    let f = Filter::parse("review", 0, "");
    assert!(f.admits(Some(State::Error), true, 5, None));
    assert!(!f.admits(Some(State::Error), false, 5, None));
    let f = Filter::parse("unsubmitted", 7, " Timeout ");
    assert!(f.admits(None, false, 7, Some("ozon timeout after 30 s")));
    assert!(!f.admits(None, false, 8, Some("timeout")), "other type");
    assert!(!f.admits(Some(State::Draft), false, 7, Some("timeout")));
    assert!(!f.admits(None, false, 7, None), "no error to match");
    let f = Filter::parse("Priced", 0, "");
    assert!(f.admits(Some(State::Priced), false, 0, None));
    assert!(!f.admits(Some(State::Created), false, 0, None));
    assert!(!Filter::parse("Nope", 0, "").admits(Some(State::Live), false, 0, None));
    assert!(Filter::parse("", 0, "").admits(Some(State::Live), false, 0, None));
}
