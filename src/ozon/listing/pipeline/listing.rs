//! The listing pipeline as a value: what its steps share (the pool, the Ozon client, the
//! fetcher, the clock, alerts, the worker's bell) and how a step's failure is settled — wait,
//! retry with back-off, or send the product to review (人工复核) with Ozon's message.

use std::sync::Arc;

use sqlx::AnyPool;
use tokio::sync::Notify;

use super::queue::{self, Job};
use super::state::{retry_delay_secs, State, Step};
use super::store;
use crate::common::clock::Clock;
use crate::common::fetch::Fetcher;
use crate::ozon::client::{OzonClient, OzonCredentials, OzonError};
use crate::vault::seal::Sealer;

/// What went wrong with a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again (timeouts, 5xx, rate limits): back-off 5 s, 15 s, 45 s, 3 min.
    Transient(String),
    /// Retrying would not help (a bad attribute, SPU_already_exists): straight to review.
    Permanent(String),
    /// Not a failure: run again at `until` (an import still pending, a quota or price slot).
    Wait { until: i64, why: String },
}

impl Failure {
    /// The reason, as shown to staff.
    pub fn message(&self) -> &str {
        match self {
            Failure::Transient(why) | Failure::Permanent(why) => why,
            Failure::Wait { why, .. } => why,
        }
    }
}

impl From<OzonError> for Failure {
    fn from(err: OzonError) -> Self {
        match err {
            OzonError::RateLimited { .. }
            | OzonError::Server { .. }
            | OzonError::NotJson { .. }
            | OzonError::Timeout
            | OzonError::Transport(_) => Failure::Transient(err.to_string()),
            _ => Failure::Permanent(err.to_string()),
        }
    }
}

impl From<sqlx::Error> for Failure {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "listing pipeline database error");
        Failure::Transient("数据库错误".into())
    }
}

/// The pipeline: cheap to clone, shared by the worker and the pages.
#[derive(Clone)]
pub struct Listing {
    inner: Arc<Inner>,
}

struct Inner {
    pool: AnyPool,
    ozon: OzonClient,
    sealer: Sealer,
    fetcher: Fetcher,
    clock: Clock,
    wake: Notify,
    alerts: crate::common::alerts::Alerts,
}

impl std::fmt::Debug for Listing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing")
            .field("scale", &self.inner.clock.scale())
            .finish()
    }
}

impl Listing {
    pub fn new(
        pool: AnyPool,
        ozon: OzonClient,
        sealer: Sealer,
        fetcher: Fetcher,
        clock: Clock,
        alerts: crate::common::alerts::Alerts,
    ) -> Self {
        Listing {
            inner: Arc::new(Inner {
                pool,
                ozon,
                sealer,
                fetcher,
                clock,
                wake: Notify::new(),
                alerts,
            }),
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.inner.pool
    }

    pub fn ozon(&self) -> &OzonClient {
        &self.inner.ozon
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.inner.fetcher
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    pub fn alerts(&self) -> &crate::common::alerts::Alerts {
        &self.inner.alerts
    }

    /// Tells the worker loops there is new work.
    pub fn wake(&self) {
        self.inner.wake.notify_waiters();
    }

    /// Opens a stored credential for the worker.
    pub async fn credentials(&self, credential_id: i64) -> Result<OzonCredentials, Failure> {
        crate::vault::service::open_credential(&self.inner.pool, &self.inner.sealer, credential_id)
            .await
            .map(|(_, creds)| creds)
            .map_err(|_| Failure::Permanent("这个商品使用的 Ozon 凭证已被删除或无法打开".into()))
    }

    /// The worker loops' bell.
    pub(super) fn bell(&self) -> &Notify {
        &self.inner.wake
    }

    /// Settles each job of a group the same way (a request for all of them failed).
    pub async fn fail_all(
        &self,
        group: &[(Job, super::store::Product)],
        step: Step,
        failure: &Failure,
    ) -> sqlx::Result<()> {
        for (job, _) in group {
            self.fail(job, step, failure.clone()).await?;
        }
        Ok(())
    }

    /// Settles a job that did not succeed.
    pub async fn fail(&self, job: &Job, step: Step, failure: Failure) -> sqlx::Result<()> {
        let now = self.now();
        let pool = self.pool();
        match failure {
            Failure::Wait { until, why } => queue::postpone(pool, job.id, until, &why).await,
            Failure::Transient(why) => {
                match u32::try_from(job.attempts).ok().and_then(retry_delay_secs) {
                    Some(delay) => queue::retry_at(pool, job.id, now + delay, &why).await,
                    None => {
                        let why = format!("{why}（已自动重试 4 次，仍未成功）");
                        self.to_review(job, step, &why).await
                    }
                }
            }
            Failure::Permanent(why) => self.to_review(job, step, &why).await,
        }
    }

    /// Error state with the reason, flagged for a person, the job given up, an alert raised.
    async fn to_review(&self, job: &Job, step: Step, why: &str) -> sqlx::Result<()> {
        let pool = self.pool();
        queue::bury(pool, job.id, why).await?;
        let moved = store::transition(pool, &job.offer_id, State::Error, Some(step), why).await;
        match moved {
            Ok(()) => store::send_to_review(pool, &job.offer_id).await?,
            // A live card's update failed: it stays live; the receipt and the alert say why.
            Err(store::StoreError::NotAllowed { .. }) => {}
            Err(store::StoreError::Db(e)) => return Err(e),
            Err(store::StoreError::Unknown(_)) => {}
        }
        let kind = match step {
            Step::Media => "image",
            Step::Import | Step::ImportResult | Step::Moderation => "import",
            Step::Price => "price",
            Step::Stock => "stock",
        };
        let message = format!("{}（{}）：{why}", job.offer_id, step.label());
        self.alerts()
            .raise(pool, kind, &job.offer_id, &message, self.now())
            .await
    }

    /// Moves a product one step on; a move the machine refuses is logged and ignored (another
    /// path already moved it).
    pub async fn advance(&self, offer_id: &str, to: State, note: &str) -> sqlx::Result<bool> {
        match store::transition(self.pool(), offer_id, to, None, note).await {
            Ok(()) => Ok(true),
            Err(store::StoreError::Db(e)) => Err(e),
            Err(err) => {
                tracing::warn!(offer_id, error = %err, "listing move refused");
                Ok(false)
            }
        }
    }
}
