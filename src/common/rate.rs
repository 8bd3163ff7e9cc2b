//! A per-key request budget in fixed one-minute windows (the REST door's `X-API-Key` limit).

use std::collections::HashMap;
use std::sync::Mutex;

/// Fixed one-minute windows per key.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<i64, (i64, u32)>>,
    /// Nodes sharing a database count in it (table `rate_windows`), so a key's budget is one
    /// budget however many nodes answer it.
    shared: Option<sqlx::AnyPool>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// The same budget, counted in the database for every node.
    pub fn shared(mut self, pool: sqlx::AnyPool) -> Self {
        self.shared = Some(pool);
        self
    }

    /// [`RateLimiter::check`], in the shared count when there is one (this node's own count
    /// if the database does not answer).
    pub async fn check_shared(&self, key_id: i64, now: i64) -> Result<(), i64> {
        let Some(pool) = &self.shared else {
            return self.check(key_id, now);
        };
        let window = now - now.rem_euclid(60);
        let used: sqlx::Result<i64> = sqlx::query_scalar(
            "INSERT INTO rate_windows (key, window_start, used) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               used = CASE WHEN rate_windows.window_start = $2 THEN rate_windows.used + 1 ELSE 1 END, \
               window_start = $2 \
             RETURNING used",
        )
        .bind(format!("api:{key_id}"))
        .bind(window)
        .fetch_one(pool)
        .await;
        match used {
            Ok(used) if used > i64::from(self.per_minute) => Err((window + 60 - now).max(1)),
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::warn!(error = %err, "shared rate count unavailable; counting locally");
                self.check(key_id, now)
            }
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
