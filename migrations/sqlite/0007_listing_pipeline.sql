-- Ozon listing part 2: the state of each product on its way to Ozon, its timeline, the durable
-- job queue and the receipts of every call (the listing PRD's four log tables).
CREATE TABLE listing_products (
    offer_id      TEXT    PRIMARY KEY,
    credential_id INTEGER NOT NULL,
    state         TEXT    NOT NULL,
    -- The step that failed, while the state is Error.
    failed_step   TEXT,
    error         TEXT,
    needs_review  INTEGER NOT NULL DEFAULT 0,
    product_id    INTEGER,
    sku           INTEGER,
    task_id       INTEGER,
    -- Set before an import is sent and cleared once its task id is stored: a crash in between
    -- means "look the offer_id up on Ozon before sending again".
    import_intent INTEGER,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE listing_transitions (
    id        INTEGER PRIMARY KEY,
    offer_id  TEXT    NOT NULL,
    from_state TEXT   NOT NULL,
    to_state  TEXT    NOT NULL,
    step      TEXT,
    note      TEXT,
    at        INTEGER NOT NULL
);
CREATE INDEX listing_transitions_offer ON listing_transitions (offer_id, id);

CREATE TABLE listing_jobs (
    id         INTEGER PRIMARY KEY,
    offer_id   TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('media', 'import', 'commercial')),
    status     TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    run_at     INTEGER NOT NULL,
    claimed_at INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL
);
-- Idempotent by offer_id: one live job per product and queue.
CREATE UNIQUE INDEX listing_jobs_live ON listing_jobs (offer_id, kind)
    WHERE status IN ('queued', 'running');
CREATE INDEX listing_jobs_due ON listing_jobs (kind, status, run_at);

CREATE TABLE media_import_log (
    id          INTEGER PRIMARY KEY,
    offer_id    TEXT    NOT NULL,
    source_url  TEXT    NOT NULL,
    state       TEXT    NOT NULL,
    reason      TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE product_import_log (
    id            INTEGER PRIMARY KEY,
    offer_id      TEXT    NOT NULL,
    request_json  TEXT    NOT NULL,
    response_json TEXT,
    state         TEXT    NOT NULL,
    reason        TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE price_log (
    id         INTEGER PRIMARY KEY,
    offer_id   TEXT    NOT NULL,
    currency   TEXT    NOT NULL,
    price      TEXT    NOT NULL,
    old_price  TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    reason     TEXT,
    created_at INTEGER NOT NULL
);

CREATE TABLE stock_log (
    id           INTEGER PRIMARY KEY,
    offer_id     TEXT    NOT NULL,
    product_id   INTEGER,
    warehouse_id INTEGER NOT NULL,
    stock        INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    reason       TEXT,
    created_at   INTEGER NOT NULL
);
