-- Work several nodes share (on PostgreSQL; on SQLite there is one node, and these hold too):
-- named leases — one node at a time runs the scheduler's periodic work, refreshes an account's
-- token, publishes a promotion — and a lease on every running listing job, renewed by its
-- node's heartbeat, so only a job whose node stopped renewing is taken over.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
ALTER TABLE listing_jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE listing_jobs ADD COLUMN lease_until INTEGER;
CREATE INDEX listing_jobs_lease ON listing_jobs (kind, status, lease_until);
-- The node whose stock write is in flight (its node lease gone, the write goes out again).
ALTER TABLE stock_pending ADD COLUMN sending_owner TEXT;
-- Paces shared by the nodes: the next free slot per pacer and account (unix microseconds),
-- and the REST door's per-key count in its current minute.
CREATE TABLE pace_slots (
    key     TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL
);
CREATE TABLE rate_windows (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    used         INTEGER NOT NULL
);
-- The node running an image task (a task whose node stopped is marked interrupted).
ALTER TABLE image_tasks ADD COLUMN owner TEXT;
