//! Named leases in the database, so that of several nodes sharing one database exactly one
//! does a piece of work at a time (runs the periodic scheduler, refreshes one account's token,
//! publishes one promotion): a lease is taken only when free or expired, renewed by its holder,
//! and given back when done. A node that dies simply stops renewing; after `ttl` the next one
//! takes over. One statement each, on SQLite and PostgreSQL alike.

use std::sync::OnceLock;

use sqlx::AnyPool;

/// How long a held lease lasts unrenewed (wall-clock seconds; [`hold`] renews every third):
/// what a stopped node's work waits before another node takes it.
pub const TTL: i64 = 30;

/// At start-up on SQLite, where the data dir's lock makes this the only node: every lease left
/// in the table belonged to a process that is gone.
pub async fn forget_all(pool: &AnyPool) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM leases")
        .execute(pool)
        .await?
        .rows_affected())
}

/// How many nodes hold their `node:` lease now (every running `serve` holds one).
pub async fn live_nodes(pool: &AnyPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM leases WHERE name LIKE 'node:%' AND expires_at > $1")
        .bind(crate::common::clock::now_unix())
        .fetch_one(pool)
        .await
}

/// This process's name in leases and job claims: host, pid and a random part (a restarted
/// process is a new node, so it never mistakes its predecessor's leases for its own).
pub fn node_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "node".into());
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        format!("{host}-{}-{:08x}", std::process::id(), random as u32)
    })
}

/// Takes (or renews) lease `name` for `owner` until `now + ttl` if it is free, expired or
/// already `owner`'s. Answers whether `owner` holds it now.
pub async fn take(
    pool: &AnyPool,
    name: &str,
    owner: &str,
    now: i64,
    ttl: i64,
) -> sqlx::Result<bool> {
    let held: Option<String> = sqlx::query_scalar(
        "INSERT INTO leases (name, owner, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at \
         WHERE leases.owner = excluded.owner OR leases.expires_at <= $4 \
         RETURNING owner",
    )
    .bind(name)
    .bind(owner)
    .bind(now + ttl)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(held.is_some())
}

/// Gives lease `name` back, if `owner` still holds it.
pub async fn give_back(pool: &AnyPool, name: &str, owner: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM leases WHERE name = $1 AND owner = $2")
        .bind(name)
        .bind(owner)
        .execute(pool)
        .await?;
    Ok(())
}

/// Who holds lease `name` at `now`, if anyone.
pub async fn holder(pool: &AnyPool, name: &str, now: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT owner FROM leases WHERE name = $1 AND expires_at > $2")
        .bind(name)
        .bind(now)
        .fetch_optional(pool)
        .await
}

/// A lease this node holds and keeps renewing (every third of its life, on the wall clock)
/// until it is dropped or [`Held::release`]d; dropping gives it back soon after.
pub struct Held {
    pool: AnyPool,
    name: String,
    renewer: tokio::task::JoinHandle<()>,
    released: bool,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Held").field("name", &self.name).finish()
    }
}

/// Takes lease `name` for this node for `ttl` wall-clock seconds and keeps it while the
/// answer lives; `None` while another live node holds it.
pub async fn hold(pool: &AnyPool, name: &str, ttl: i64) -> sqlx::Result<Option<Held>> {
    let ttl = ttl.max(3);
    if !take(pool, name, node_id(), crate::common::clock::now_unix(), ttl).await? {
        return Ok(None);
    }
    let renewer = {
        let pool = pool.clone();
        let name = name.to_string();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs((ttl / 3) as u64)).await;
                let now = crate::common::clock::now_unix();
                match take(&pool, &name, node_id(), now, ttl).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(lease = %name, "lease lost to another node");
                        return;
                    }
                    Err(err) => tracing::warn!(lease = %name, error = %err, "lease not renewed"),
                }
            }
        })
    };
    Ok(Some(Held {
        pool: pool.clone(),
        name: name.to_string(),
        renewer,
        released: false,
    }))
}

/// Waits (up to `patience`) for lease `name` while another node holds it, checking every
/// 200 ms; `None` if it stayed taken.
pub async fn hold_when_free(
    pool: &AnyPool,
    name: &str,
    ttl: i64,
    patience: std::time::Duration,
) -> sqlx::Result<Option<Held>> {
    let until = std::time::Instant::now() + patience;
    loop {
        if let Some(held) = hold(pool, name, ttl).await? {
            return Ok(Some(held));
        }
        if std::time::Instant::now() >= until {
            return Ok(None);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

impl Held {
    /// Stops renewing and gives the lease back now.
    pub async fn release(mut self) {
        self.renewer.abort();
        self.released = true;
        if let Err(err) = give_back(&self.pool, &self.name, node_id()).await {
            tracing::warn!(lease = %self.name, error = %err, "lease not given back; it runs out");
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.renewer.abort();
        if self.released {
            return;
        }
        let (pool, name) = (self.pool.clone(), std::mem::take(&mut self.name));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = give_back(&pool, &name, node_id()).await;
            });
        }
    }
}
