//! Spacing calls per account so they stay under a platform's rate (Ozon: 50 per second per
//! Client-Id; 抖店: per app key). One pacer per limit; each key gets its own queue of turns.
//! Nodes sharing a database share the turns too ([`Pacer::shared`]): the next free slot of a
//! key is a row, taken in one statement, so N nodes together keep the one rate.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces calls for one Client-Id so they stay under `per_second` (Ozon: 50 rps per Client-Id).
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
    /// The database holding the turns of every node, and this pacer's name there.
    shared: Option<(sqlx::AnyPool, &'static str)>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Self {
        Self::every(Duration::from_secs(1) / per_second.max(1))
    }

    /// One request per `interval` for each Client-Id.
    pub fn every(interval: Duration) -> Self {
        Pacer {
            interval,
            next: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// The same pace, kept in the database (table `pace_slots`, keys `name:client`) so that
    /// every node sharing it takes its turns from one queue.
    pub fn shared(mut self, pool: sqlx::AnyPool, name: &'static str) -> Self {
        self.shared = Some((pool, name));
        self
    }

    /// Waits until this Client-Id may send its next request.
    pub async fn wait_turn(&self, client_id: &str) {
        if let Some((pool, name)) = &self.shared {
            match shared_turn(pool, name, client_id, self.interval).await {
                Ok(wait) => {
                    tokio::time::sleep(wait).await;
                    return;
                }
                // The database is the only place the nodes agree; without it this node
                // paces itself (at worst N × the rate for as long as it is gone).
                Err(err) => tracing::warn!(error = %err, "shared pace unavailable; pacing locally"),
            }
        }
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let at = next
                .get(client_id)
                .copied()
                .filter(|at| *at > now)
                .unwrap_or(now);
            next.insert(client_id.to_string(), at + self.interval);
            at
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Waits until every Client-Id may send at once, without taking a turn: a batching caller
    /// gathers its items after this, so a request carries all that came due while it waited.
    pub async fn idle(&self) {
        if let Some((pool, name)) = &self.shared {
            let latest: sqlx::Result<Option<i64>> =
                sqlx::query_scalar("SELECT MAX(next_at) FROM pace_slots WHERE key LIKE $1")
                    .bind(format!("{name}:%"))
                    .fetch_one(pool)
                    .await;
            if let Ok(Some(at)) = latest {
                tokio::time::sleep(until_micros(at)).await;
            }
            return;
        }
        let last = self.next.lock().await.values().max().copied();
        if let Some(at) = last {
            tokio::time::sleep_until(at).await;
        }
    }
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// How long from now until `at` (unix microseconds); zero if past.
fn until_micros(at: i64) -> Duration {
    Duration::from_micros(at.saturating_sub(now_micros()).max(0) as u64)
}

/// Takes the next turn of `name:key` in the database: the later of now and the stored next
/// slot, which moves one interval on. Answers how long to wait for it.
async fn shared_turn(
    pool: &sqlx::AnyPool,
    name: &str,
    key: &str,
    interval: Duration,
) -> sqlx::Result<Duration> {
    let now = now_micros();
    let step = interval.as_micros() as i64;
    let max = crate::server::db::greatest(pool);
    let slot: i64 = sqlx::query_scalar(&format!(
        "INSERT INTO pace_slots (key, next_at) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET next_at = {max}(pace_slots.next_at, $3) + $4 \
         RETURNING next_at"
    ))
    .bind(format!("{name}:{key}"))
    .bind(now + step)
    .bind(now)
    .bind(step)
    .fetch_one(pool)
    .await?;
    Ok(until_micros(slot - step))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_one_client_but_not_another() {
        let pacer = Pacer::new(50);
        let start = tokio::time::Instant::now();
        for _ in 0..5 {
            pacer.wait_turn("1").await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(80));
        let other = tokio::time::Instant::now();
        pacer.wait_turn("2").await;
        assert_eq!(other.elapsed(), Duration::ZERO);
    }
}
