//! The durable job queue of the listing pipeline, in the database: three queues (media →
//! product import → commercial), one live job per offer_id and queue, jobs claimed atomically
//! by a single `UPDATE … RETURNING` and leased to the node that claimed them. The node's
//! heartbeat renews its leases; a job whose node stopped is taken over once its lease runs out
//! (several nodes on PostgreSQL), or queued again at start-up (one node on SQLite).
//!
//! Our own rather than apalis: the whole queue is these few statements on the database we
//! already have, with no new dependency tree to build.

use sqlx::AnyPool;

use crate::common::clock::now_unix;
use crate::common::lease::node_id;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queue {
    Media,
    Import,
    Commercial,
}

impl Queue {
    /// Jobs one pass of the queue takes: one Ozon request's worth (100 cards or pictures, 1000
    /// prices).
    pub const fn batch(self) -> i64 {
        match self {
            Queue::Media | Queue::Import => 100,
            Queue::Commercial => 1000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Media => "media",
            Queue::Import => "import",
            Queue::Commercial => "commercial",
        }
    }
}

/// A claimed job.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub offer_id: String,
    /// How many times it has been claimed, this time included.
    pub attempts: i64,
}

/// Queues `offer_id` on `queue` to run at `run_at` (unix seconds). A product already waiting
/// there is not queued twice, but runs no later than `run_at`: a user's price edit is not held
/// behind a moderation re-check queued for ten minutes from now. A job running right now gets a
/// follow-up (`rerun_at`) if it finishes, so an edit made while it runs is not lost; a job that
/// is put back (a retry, a wait) runs again anyway and sees the edit then. Answers whether a new
/// job was added.
pub async fn enqueue(
    pool: &AnyPool,
    queue: Queue,
    offer_id: &str,
    run_at: i64,
) -> sqlx::Result<bool> {
    let mut conn = pool.acquire().await?;
    enqueue_on(&mut conn, queue, offer_id, run_at).await
}

/// [`enqueue`] on a connection (inside the caller's transaction).
pub async fn enqueue_on(
    conn: &mut sqlx::AnyConnection,
    queue: Queue,
    offer_id: &str,
    run_at: i64,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE listing_jobs SET \
           run_at = CASE WHEN status = 'queued' AND $1 < run_at THEN $1 ELSE run_at END, \
           rerun_at = CASE WHEN status = 'running' AND (rerun_at IS NULL OR $1 < rerun_at) THEN $1 \
             ELSE rerun_at END \
         WHERE offer_id = $2 AND kind = $3 AND status IN ('queued', 'running')",
    )
    .bind(run_at)
    .bind(offer_id)
    .bind(queue.as_str())
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query(
        "INSERT INTO listing_jobs (offer_id, kind, status, run_at, created_at) \
         VALUES ($1, $2, 'queued', $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(offer_id)
    .bind(queue.as_str())
    .bind(run_at)
    .bind(now_unix())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How long a claimed job stays its node's without a heartbeat, in wall-clock seconds (a
/// lease is about a node being alive, whatever the pipeline's time scale). The node renews its
/// jobs every third of this ([`renew`]); a job whose lease ran out belongs to a node that
/// stopped, and the next claim takes it over.
pub const LEASE_SECS: i64 = 30;

/// Due queued jobs of kind `$2` at pipeline time `$1`, and running ones whose lease ran out by
/// wall-clock time `$6`.
const CLAIMABLE: &str = "kind = $2 AND ((status = 'queued' AND run_at <= $1) \
                         OR (status = 'running' AND lease_until <= $6))";

/// Takes the next due job of `queue`, if any. One statement, so two workers never get the
/// same job (on PostgreSQL the pick skips rows another node is taking).
pub async fn claim(pool: &AnyPool, queue: Queue, now: i64) -> sqlx::Result<Option<Job>> {
    Ok(claim_batch(pool, queue, now, 1).await?.pop())
}

/// Up to `limit` due jobs of `queue` at once (a batch), leased to this node for
/// [`LEASE_SECS`]. A job taken over from a stopped node keeps its attempt count: the
/// attempt it was on never finished.
pub async fn claim_batch(
    pool: &AnyPool,
    queue: Queue,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<Job>> {
    // The pick is a CTE, run once: on PostgreSQL it locks what it takes and passes over rows
    // another node's claim holds.
    sqlx::query_as(&format!(
        "WITH picked AS (SELECT id AS pick FROM listing_jobs WHERE {CLAIMABLE} \
                         ORDER BY run_at, id LIMIT $3{}) \
         UPDATE listing_jobs SET claimed_at = $1, lease_owner = $4, lease_until = $5, \
         attempts = CASE WHEN status = 'running' THEN attempts ELSE attempts + 1 END, \
         status = 'running' \
         FROM picked WHERE listing_jobs.id = picked.pick \
         RETURNING id, offer_id, attempts",
        crate::server::db::skip_locked(pool)
    ))
    .bind(now)
    .bind(queue.as_str())
    .bind(limit)
    .bind(node_id())
    .bind(now_unix() + LEASE_SECS)
    .bind(now_unix())
    .fetch_all(pool)
    .await
}

/// The heartbeat: this node's running jobs stay its own for another [`LEASE_SECS`] from `now`
/// (wall clock).
pub async fn renew(pool: &AnyPool, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE listing_jobs SET lease_until = $1 WHERE status = 'running' AND lease_owner = $2",
    )
    .bind(now + LEASE_SECS)
    .bind(node_id())
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// The job is done; one asked for again while it ran is queued for its `rerun_at`.
pub async fn finish(pool: &AnyPool, id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_jobs SET status = CASE WHEN rerun_at IS NULL THEN 'done' ELSE 'queued' END, \
         run_at = COALESCE(rerun_at, run_at), rerun_at = NULL, last_error = NULL WHERE id = $1",
    )
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Puts the job back to run again at `run_at`, keeping why it failed.
pub async fn retry_at(pool: &AnyPool, id: i64, run_at: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_jobs SET status = 'queued', run_at = $1, rerun_at = NULL, last_error = $2 \
         WHERE id = $3",
    )
    .bind(run_at)
    .bind(error)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives the job up (the product goes to review).
pub async fn bury(pool: &AnyPool, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE listing_jobs SET status = 'dead', last_error = $1 WHERE id = $2")
        .bind(error)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// At start-up on SQLite (one node, holding the data dir's lock): jobs that were running when
/// the process stopped are queued again (their attempt is not counted twice). Answers how many.
/// Nodes sharing PostgreSQL leave them be: a running job there may be a live node's, and one
/// whose node stopped is taken over when its lease runs out.
pub async fn requeue_interrupted(pool: &AnyPool) -> sqlx::Result<u64> {
    requeue(pool, None, None).await
}

/// A product between steps with no live job (a process died between settling one step's job and
/// queueing the next) gets its next job again, due at once: at start-up every such product
/// (`settled_before` = `i64::MAX`); with several nodes, periodically, those that have sat so
/// since before `settled_before` (a live node queues the next job right after it settles).
/// Answers how many.
pub async fn requeue_orphans(pool: &AnyPool, settled_before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "INSERT INTO listing_jobs (offer_id, kind, status, run_at, created_at) \
         SELECT p.offer_id, CASE WHEN p.state IN ('MediaReady', 'ImportSubmitted') THEN 'import' \
                                 ELSE 'commercial' END, 'queued', 0, $1 \
         FROM listing_products p \
         WHERE p.state IN ('MediaReady', 'ImportSubmitted', 'Created', 'Priced', 'ReadyForSale') \
           AND p.updated_at < $2 AND NOT EXISTS (SELECT 1 FROM listing_jobs j WHERE j.offer_id = p.offer_id \
                           AND j.status IN ('queued', 'running')) ON CONFLICT DO NOTHING",
    )
    .bind(now_unix())
    .bind(settled_before)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// After a failed pass: `queue`'s running jobs of this node are queued again, their attempt not
/// counted (another node's are its own business).
pub async fn requeue_running(pool: &AnyPool, queue: Queue) -> sqlx::Result<u64> {
    requeue(pool, Some(queue), Some(node_id())).await
}

/// How many jobs of `queue` are due and not yet taken.
pub async fn due_count(pool: &AnyPool, queue: Queue, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM listing_jobs WHERE kind = $1 AND status = 'queued' AND run_at <= $2",
    )
    .bind(queue.as_str())
    .bind(now)
    .fetch_one(pool)
    .await
}

/// `queue`'s running jobs of `owner` (every owner's when `None`) back in the queue.
async fn requeue(pool: &AnyPool, queue: Option<Queue>, owner: Option<&str>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE listing_jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, \
         attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END \
         WHERE status = 'running' AND ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR lease_owner = $2)",
    )
    .bind(queue.map(Queue::as_str))
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// When the next job of `queue` for `offer_id` runs, if one waits.
pub async fn next_run(pool: &AnyPool, queue: Queue, offer_id: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT run_at FROM listing_jobs WHERE offer_id = $1 AND kind = $2 AND status = 'queued'",
    )
    .bind(offer_id)
    .bind(queue.as_str())
    .fetch_optional(pool)
    .await
}

/// Puts the job back to run at `run_at` without counting this attempt: waiting (for a quota
/// reset, an import task, a price slot) is not failing.
pub async fn postpone(pool: &AnyPool, id: i64, run_at: i64, why: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE listing_jobs SET status = 'queued', run_at = $1, rerun_at = NULL, last_error = $2, \
         attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = $3",
    )
    .bind(run_at)
    .bind(why)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Why the product's live job last waited or failed, and when it runs next.
pub async fn waiting(
    pool: &AnyPool,
    offer_id: &str,
) -> sqlx::Result<Option<(String, i64, Option<String>)>> {
    sqlx::query_as(
        "SELECT kind, run_at, last_error FROM listing_jobs WHERE offer_id = $1 AND status IN ('queued', 'running') \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(offer_id)
    .fetch_optional(pool)
    .await
}
