//! The one retry backoff: the first wait, doubling with each attempt (at most 64 times the first),
//! plus up to a quarter more at random so that callers who failed together do not retry together.

use std::time::Duration;

/// How long to wait before retry number `attempt` (1 for the first retry).
pub fn backoff(first: Duration, attempt: u32) -> Duration {
    use aes_gcm::aead::{rand_core::RngCore, OsRng};
    let base = first.saturating_mul(1 << attempt.saturating_sub(1).min(6));
    let quarter = f64::from(OsRng.next_u32()) / f64::from(u32::MAX) / 4.0;
    base.mul_f64(1.0 + quarter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_up_to_a_quarter_of_jitter() {
        let first = Duration::from_millis(250);
        for attempt in 1..=9u32 {
            let base = first * (1 << (attempt - 1).min(6));
            let wait = backoff(first, attempt);
            assert!(
                wait >= base && wait <= base.mul_f64(1.25),
                "attempt {attempt}: {wait:?} outside {base:?}..+25%"
            );
        }
        assert_eq!(backoff(Duration::ZERO, 3), Duration::ZERO);
        let waits: std::collections::HashSet<_> = (0..32)
            .map(|_| backoff(Duration::from_secs(1), 1))
            .collect();
        assert!(waits.len() > 1, "the jitter varies");
    }
}
