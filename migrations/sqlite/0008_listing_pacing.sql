-- Stock writes waiting to go out, merged per product–warehouse pair (the last value wins), and
-- when each pair was last written: Ozon takes one write per pair every 30 seconds.
CREATE TABLE stock_pending (
    offer_id     TEXT    NOT NULL,
    warehouse_id INTEGER NOT NULL,
    stock        INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    PRIMARY KEY (offer_id, warehouse_id)
);
CREATE INDEX stock_pending_due ON stock_pending (due_at);

CREATE TABLE stock_sent (
    offer_id     TEXT    NOT NULL,
    warehouse_id INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL,
    PRIMARY KEY (offer_id, warehouse_id)
);
