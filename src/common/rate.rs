//! A per-key request budget in fixed one-minute windows (the REST door's `X-API-Key` limit).

use std::collections::HashMap;
use std::sync::Mutex;

/// Fixed one-minute windows per key.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<i64, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds)` to wait when `key_id` has used up this minute.
    pub fn check(&self, key_id: i64, now: i64) -> Result<(), i64> {
        let window = now - now.rem_euclid(60);
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let entry = windows.entry(key_id).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_minute {
            return Err((window + 60 - now).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_counts_per_key_and_window() {
        let limiter = RateLimiter::new(2);
        assert!(limiter.check(1, 600).is_ok());
        assert!(limiter.check(1, 601).is_ok());
        assert_eq!(limiter.check(1, 630), Err(30));
        assert!(
            limiter.check(2, 630).is_ok(),
            "another key has its own budget"
        );
        assert!(limiter.check(1, 660).is_ok(), "a new minute starts again");
    }
}
