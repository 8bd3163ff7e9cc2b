-- A stock write taken off the queue stays in stock_pending while its request is in flight
-- (`sending` = when it was taken, `sent_stock` = the value sent), so nothing queues it again
-- meanwhile; a new value typed in the meantime replaces `stock` and goes out after it.
ALTER TABLE stock_pending ADD COLUMN sending INTEGER;
ALTER TABLE stock_pending ADD COLUMN sent_stock INTEGER;

-- A job asked for again while it runs (a user's edit arrives mid-pass) runs once more at
-- `rerun_at` instead of being dropped as a duplicate.
ALTER TABLE listing_jobs ADD COLUMN rerun_at INTEGER;
