-- Reconciliation runs: when, how many products were read back, how many differences, and why a
-- run could not finish. Differences themselves are in listing_discrepancies (by run_at).
CREATE TABLE listing_inspections (
    id          INTEGER PRIMARY KEY,
    run_at      INTEGER NOT NULL,
    checked     INTEGER NOT NULL,
    differences INTEGER NOT NULL,
    error       TEXT,
    trigger     TEXT    NOT NULL
);
CREATE INDEX listing_inspections_run ON listing_inspections (run_at);
