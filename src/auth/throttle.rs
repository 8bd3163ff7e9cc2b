//! Login throttling: 5 failures for one account or one IP within 15 minutes, and further
//! attempts are refused without checking the password.

use sqlx::AnyPool;

use super::store;
use crate::common::clock::now_unix;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;

/// `Some(minutes)` to wait when this account or IP is locked out, `None` when it may try.
pub async fn lockout_minutes(
    pool: &AnyPool,
    username: &str,
    ip: &str,
) -> sqlx::Result<Option<i64>> {
    let now = now_unix();
    let counts = store::recent_failures(pool, username, ip, now - WINDOW_SECS).await?;
    let release = counts
        .iter()
        .filter(|(count, _)| *count >= MAX_FAILURES)
        .filter_map(|(_, oldest)| *oldest)
        .map(|oldest| oldest + WINDOW_SECS)
        .max();
    Ok(release.map(|at| minutes_until(now, at)))
}

/// Whole minutes from `now` until `at`, at least one.
fn minutes_until(now: i64, at: i64) -> i64 {
    ((at - now + 59) / 60).max(1)
}

#[cfg(test)]
mod tests {
    use super::minutes_until;

    #[test]
    fn wait_rounds_up_to_whole_minutes() {
        assert_eq!(minutes_until(0, 900), 15);
        assert_eq!(minutes_until(0, 61), 2);
        assert_eq!(minutes_until(0, 1), 1);
        assert_eq!(minutes_until(10, 5), 1);
    }
}
