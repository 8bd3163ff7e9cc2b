//! Spacing calls per account so they stay under a platform's rate (Ozon: 50 per second per
//! Client-Id; 抖店: per app key). One pacer per limit; each key gets its own queue of turns.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces calls for one Client-Id so they stay under `per_second` (Ozon: 50 rps per Client-Id).
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
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
        }
    }

    /// Waits until this Client-Id may send its next request.
    pub async fn wait_turn(&self, client_id: &str) {
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
        let last = self.next.lock().await.values().max().copied();
        if let Some(at) = last {
            tokio::time::sleep_until(at).await;
        }
    }
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
