-- The receipt tables are read per product (the product page, the last accepted price, the
-- price-slot rule, the latest stock per warehouse, the inspector). Without these, each of
-- those reads scans the whole log, and a 10,000-product run slows as its logs grow.
CREATE INDEX media_import_log_offer ON media_import_log (offer_id, id);
CREATE INDEX product_import_log_offer ON product_import_log (offer_id, id);
CREATE INDEX price_log_offer ON price_log (offer_id, state, id);
CREATE INDEX stock_log_offer ON stock_log (offer_id, warehouse_id, id);
