use super::*;

#[test]
fn the_machine_moves_one_step_at_a_time() {
    let path = [
        State::Draft,
        State::MediaReady,
        State::ImportSubmitted,
        State::Created,
        State::Priced,
        State::ReadyForSale,
        State::Live,
    ];
    for pair in path.windows(2) {
        assert!(allowed(pair[0], pair[1], None), "{pair:?}");
        assert!(!allowed(pair[1], pair[0], None), "no way back: {pair:?}");
    }
    assert!(!allowed(State::Draft, State::Created, None), "no skipping");
    assert!(allowed(State::Created, State::Error, None));
    assert!(!allowed(State::Live, State::Error, None));
    assert!(
        allowed(State::Error, State::Created, Some(Step::Price)),
        "retry the price"
    );
    assert!(!allowed(State::Error, State::Priced, Some(Step::Price)));
    assert!(!allowed(State::Error, State::Draft, None));
    for s in STATES {
        assert_eq!(State::parse(s.as_str()), Some(s));
    }
}

#[test]
fn retries_back_off_then_stop() {
    let delays: Vec<Option<i64>> = (0..=5).map(retry_delay_secs).collect();
    assert_eq!(
        delays,
        vec![None, Some(5), Some(15), Some(45), Some(180), None]
    );
}
