//! The worker's loops, run as tasks: one per queue (media, product import, commercial), one for
//! the stock writes (a stock request waits for Ozon's 80-per-minute pace, which must not hold
//! up pictures, imports and prices) and one for the daily run (reconciliation, expiring keys).
//! A loop that did some work rings the others (its output is the next queue's input); one that
//! found nothing naps until rung or 250 ms.

use std::time::Duration;

use super::listing::Listing;
use super::queue::{self, Queue};

const NAP: Duration = Duration::from_millis(250);

impl Listing {
    /// Runs forever.
    pub async fn run(self) {
        let daily = self.clone();
        tokio::spawn(async move { daily.daily_loop().await });
        let stocks = self.clone();
        tokio::spawn(async move { stocks.stock_loop().await });
        let heart = self.clone();
        tokio::spawn(async move { heart.heartbeat().await });
        for queue in [Queue::Media, Queue::Import] {
            let me = self.clone();
            tokio::spawn(async move { me.queue_loop(queue).await });
        }
        self.queue_loop(Queue::Commercial).await
    }

    async fn queue_loop(&self, queue: Queue) {
        loop {
            let rung = self.bell().notified();
            tokio::pin!(rung);
            rung.as_mut().enable();
            let worked = match self.step(queue).await {
                Ok(worked) => worked,
                Err(err) => {
                    tracing::warn!(queue = queue.as_str(), error = %err, "listing pipeline pass failed");
                    // Only this loop claims this queue's jobs: whatever the failed pass had
                    // claimed and not settled goes back, instead of staying "running" until
                    // the next restart.
                    if let Err(err) = queue::requeue_running(self.pool(), queue).await {
                        tracing::warn!(error = %err, "listing jobs not requeued");
                    }
                    false
                }
            };
            if worked {
                self.wake();
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(NAP) => {},
                _ = rung => {},
            }
        }
    }

    /// Every third of a lease: this node's worker is alive (lease `listing-worker:<id>`, wall
    /// clock) and its running jobs stay its own. On PostgreSQL it also takes back the stock
    /// writes a stopped node had in flight and moves on the products it left between steps.
    async fn heartbeat(&self) {
        let node = format!("listing-worker:{}", crate::common::lease::node_id());
        let shared =
            crate::server::db::backend(self.pool()) == crate::server::db::Backend::Postgres;
        for beat in 0u64.. {
            let now = crate::common::clock::now_unix();
            let beat = async {
                crate::common::lease::take(
                    self.pool(),
                    &node,
                    crate::common::lease::node_id(),
                    now,
                    queue::LEASE_SECS,
                )
                .await?;
                queue::renew(self.pool(), now).await?;
                // Every minute: a product a stopped node left between two steps moves on.
                if shared && beat % 6 == 0 {
                    let settled = now - 2 * queue::LEASE_SECS;
                    let orphans = queue::requeue_orphans(self.pool(), settled).await?;
                    if orphans > 0 {
                        tracing::warn!(
                            orphans,
                            "products a stopped node left between steps queued again"
                        );
                        self.wake();
                    }
                }
                if shared {
                    let back = super::pacing::recover_orphaned_stocks(self.pool(), now).await?;
                    if back > 0 {
                        tracing::warn!(stocks = back, "a stopped node's stock writes go out again");
                        self.wake();
                    }
                }
                Ok::<(), sqlx::Error>(())
            };
            if let Err(err) = beat.await {
                tracing::warn!(error = %err, "listing heartbeat failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(
                (queue::LEASE_SECS / 3) as u64,
            ))
            .await;
        }
    }

    async fn stock_loop(&self) {
        loop {
            let worked = self.flush_stocks().await.unwrap_or_else(|err| {
                tracing::warn!(error = %err, "listing stock writes failed");
                false
            });
            if worked {
                self.wake();
            } else {
                tokio::time::sleep(NAP).await;
            }
        }
    }

    async fn daily_loop(&self) {
        loop {
            let now = self.now();
            let run = match super::inspector::due(self.pool(), now).await {
                Ok(true) => self.daily_once(now).await,
                Ok(false) => Ok(()),
                Err(err) => Err(err),
            };
            if let Err(err) = run {
                tracing::warn!(error = %err, "listing daily run failed");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The daily run on one node: whoever takes the lease checks again and runs it; the others
    /// find it done the next time they look.
    async fn daily_once(&self, now: i64) -> sqlx::Result<()> {
        let Some(held) =
            crate::common::lease::hold(self.pool(), "listing:daily", crate::common::lease::TTL)
                .await?
        else {
            return Ok(());
        };
        let run = match super::inspector::due(self.pool(), now).await {
            Ok(true) => self.daily(now).await,
            Ok(false) => Ok(()),
            Err(err) => Err(err),
        };
        held.release().await;
        run
    }
}
