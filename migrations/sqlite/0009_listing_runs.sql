-- Listing pipeline runs: the picture set last sent to Ozon (so a changed set is re-imported
-- whole), who submitted the product, and the alerts sent (deduplicated and digested).
ALTER TABLE listing_products ADD COLUMN sent_images TEXT;
ALTER TABLE listing_products ADD COLUMN submitted_by TEXT;

CREATE TABLE listing_alerts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    -- What the alert is about (an offer_id, a credential); one open alert per kind and subject.
    subject    TEXT    NOT NULL,
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    -- Set once the alert went out (alone or in a digest).
    sent_at    INTEGER
);
CREATE INDEX listing_alerts_unsent ON listing_alerts (sent_at, id);
CREATE INDEX listing_alerts_subject ON listing_alerts (kind, subject, created_at);

-- Read-backs of what Ozon holds against what we sent.
CREATE TABLE listing_discrepancies (
    id         INTEGER PRIMARY KEY,
    run_at     INTEGER NOT NULL,
    offer_id   TEXT    NOT NULL,
    field      TEXT    NOT NULL,
    sent       TEXT    NOT NULL,
    found      TEXT    NOT NULL
);
CREATE INDEX listing_discrepancies_run ON listing_discrepancies (run_at, offer_id);
