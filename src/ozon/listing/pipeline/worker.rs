//! The pipeline's worker passes: one queue at a time (media → import → commercial), the stock
//! writes once Ozon's pace allows, and the daily reconciliation.

use super::listing::Listing;
use super::queue::Queue;

impl Listing {
    /// The stock writes that are due, taken once Ozon's stock pace allows a request, so one
    /// request carries everything that came due meanwhile (up to 100 pairs).
    pub async fn flush_stocks(&self) -> sqlx::Result<bool> {
        self.ozon().stocks_ready().await;
        super::stocks::flush(self, self.now()).await
    }

    /// One pass over one queue: answers whether anything was done.
    pub async fn step(&self, queue: Queue) -> sqlx::Result<bool> {
        let now = self.now();
        match queue {
            Queue::Media => super::media::run(self, now).await,
            Queue::Import => super::import::run(self, now).await,
            Queue::Commercial => {
                let worked = super::commercial::run(self, now).await?;
                self.alerts().deliver(self.pool(), now).await;
                Ok(worked)
            }
        }
    }

    /// Once a day: the reconciliation run, and an alert for each Api-Key about to expire.
    pub(super) async fn daily(&self, now: i64) -> sqlx::Result<()> {
        let report = super::inspector::run(self, "daily").await?;
        tracing::info!(
            checked = report.checked,
            differences = report.differences.len(),
            "listing reconciliation"
        );
        let expiring = crate::vault::service::expiring(self.pool())
            .await
            .unwrap_or_default();
        for c in expiring {
            let message = format!(
                "Ozon 凭证「{}」的 Api-Key 将于 {} 过期（剩 {} 天），请在 Ozon 后台生成新密钥并在 API 密钥页更新",
                c.name, c.expires_at, c.days_left
            );
            self.alerts()
                .raise(self.pool(), "api_key", &c.name, &message, now)
                .await?;
        }
        Ok(())
    }
}
