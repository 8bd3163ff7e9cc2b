-- Volume (issue 20): 100k products and 1M orders stay fast.
-- * Keyset paging: indexes on each list's sort key, with the filters in front. A missing time
--   is stored as 0 (triggers below), so the indexes are on plain columns: they cover the
--   key-only reads (a page number's jump steps through the index alone) and a keyset
--   condition is a range on them.
-- * Search: an FTS5 trigram index over name, product id and outer id (substring search in
--   Chinese, no word splitting needed), kept in step by triggers.
-- * Counts that do not scan: products and orders per shop, and orders and paid fen per shop,
--   Beijing day and status, kept by triggers on every write (a sync, the demo, a fix by hand).
-- * 统计's rankings (top products, sources) are snapshots tagged with `stats_gen`, which every
--   change to an order or an order line bumps.

UPDATE shop_products SET update_time = 0 WHERE update_time IS NULL;
UPDATE shop_orders SET create_time = 0 WHERE create_time IS NULL;
CREATE TRIGGER shop_products_time_insert AFTER INSERT ON shop_products
    WHEN NEW.update_time IS NULL
BEGIN
    UPDATE shop_products SET update_time = 0 WHERE id = NEW.id;
END;
CREATE TRIGGER shop_products_time_update AFTER UPDATE OF update_time ON shop_products
    WHEN NEW.update_time IS NULL
BEGIN
    UPDATE shop_products SET update_time = 0 WHERE id = NEW.id;
END;
CREATE INDEX shop_products_recent ON shop_products (update_time, id);
CREATE INDEX shop_products_shop_recent ON shop_products (shop_row, update_time, id);

DROP INDEX IF EXISTS shop_orders_create;
CREATE INDEX shop_orders_recent ON shop_orders (create_time, id);
CREATE INDEX shop_orders_shop_recent ON shop_orders (shop_row, create_time, id);
CREATE INDEX shop_orders_status_recent ON shop_orders (order_status, create_time, id);
CREATE INDEX shop_orders_shop_status_recent ON shop_orders (shop_row, order_status, create_time, id);
CREATE INDEX shop_order_lines_product ON shop_order_lines (product_id);
-- 0013 made these partial (WHERE … != ''), which a join on equality cannot use.
DROP INDEX IF EXISTS shop_order_lines_video;
DROP INDEX IF EXISTS shop_order_lines_room;
CREATE INDEX shop_order_lines_video ON shop_order_lines (video_id);
CREATE INDEX shop_order_lines_room ON shop_order_lines (room_id);

CREATE VIRTUAL TABLE shop_products_fts USING fts5(
    name, product_id, outer_product_id,
    content = 'shop_products', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO shop_products_fts (rowid, name, product_id, outer_product_id)
    SELECT id, name, product_id, outer_product_id FROM shop_products;
CREATE TRIGGER shop_products_fts_insert AFTER INSERT ON shop_products BEGIN
    INSERT INTO shop_products_fts (rowid, name, product_id, outer_product_id)
        VALUES (NEW.id, NEW.name, NEW.product_id, NEW.outer_product_id);
END;
CREATE TRIGGER shop_products_fts_delete AFTER DELETE ON shop_products BEGIN
    INSERT INTO shop_products_fts (shop_products_fts, rowid, name, product_id, outer_product_id)
        VALUES ('delete', OLD.id, OLD.name, OLD.product_id, OLD.outer_product_id);
END;
CREATE TRIGGER shop_products_fts_update AFTER UPDATE OF name, product_id, outer_product_id
    ON shop_products
    WHEN OLD.name IS NOT NEW.name OR OLD.product_id IS NOT NEW.product_id
        OR OLD.outer_product_id IS NOT NEW.outer_product_id
BEGIN
    INSERT INTO shop_products_fts (shop_products_fts, rowid, name, product_id, outer_product_id)
        VALUES ('delete', OLD.id, OLD.name, OLD.product_id, OLD.outer_product_id);
    INSERT INTO shop_products_fts (rowid, name, product_id, outer_product_id)
        VALUES (NEW.id, NEW.name, NEW.product_id, NEW.outer_product_id);
END;

CREATE TABLE shop_counts (
    shop_row INTEGER PRIMARY KEY,
    products INTEGER NOT NULL DEFAULT 0,
    orders INTEGER NOT NULL DEFAULT 0
);
INSERT INTO shop_counts (shop_row, products, orders)
    SELECT s.id,
        (SELECT COUNT(*) FROM shop_products p WHERE p.shop_row = s.id),
        (SELECT COUNT(*) FROM shop_orders o WHERE o.shop_row = s.id)
    FROM shops s;
CREATE TRIGGER shop_counts_product_insert AFTER INSERT ON shop_products BEGIN
    INSERT INTO shop_counts (shop_row, products) VALUES (NEW.shop_row, 1)
        ON CONFLICT (shop_row) DO UPDATE SET products = products + 1;
END;
CREATE TRIGGER shop_counts_product_delete AFTER DELETE ON shop_products BEGIN
    UPDATE shop_counts SET products = products - 1 WHERE shop_row = OLD.shop_row;
END;
CREATE TRIGGER shop_counts_order_insert AFTER INSERT ON shop_orders BEGIN
    INSERT INTO shop_counts (shop_row, orders) VALUES (NEW.shop_row, 1)
        ON CONFLICT (shop_row) DO UPDATE SET orders = orders + 1;
END;
CREATE TRIGGER shop_counts_order_delete AFTER DELETE ON shop_orders BEGIN
    UPDATE shop_counts SET orders = orders - 1 WHERE shop_row = OLD.shop_row;
END;

-- `day` is the first second (unix) of the order's Beijing day; `status` is 0 when unknown.
CREATE TABLE order_daily (
    shop_row INTEGER NOT NULL,
    day INTEGER NOT NULL,
    status INTEGER NOT NULL,
    orders INTEGER NOT NULL DEFAULT 0,
    pay_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_row, day, status)
) WITHOUT ROWID;
CREATE INDEX order_daily_day ON order_daily (day);
INSERT INTO order_daily (shop_row, day, status, orders, pay_fen)
    SELECT shop_row, ((COALESCE(create_time, 0) + 28800) / 86400) * 86400 - 28800,
        COALESCE(order_status, 0), COUNT(*), SUM(pay_amount_fen)
    FROM shop_orders GROUP BY 1, 2, 3;

CREATE TABLE stats_gen (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);
INSERT INTO stats_gen (id, gen) VALUES (1, 1);

CREATE TRIGGER order_daily_insert AFTER INSERT ON shop_orders BEGIN
    INSERT INTO order_daily (shop_row, day, status, orders, pay_fen)
        VALUES (NEW.shop_row, ((COALESCE(NEW.create_time, 0) + 28800) / 86400) * 86400 - 28800,
            COALESCE(NEW.order_status, 0), 1, NEW.pay_amount_fen)
        ON CONFLICT (shop_row, day, status) DO UPDATE
        SET orders = orders + 1, pay_fen = pay_fen + excluded.pay_fen;
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER order_daily_delete AFTER DELETE ON shop_orders BEGIN
    UPDATE order_daily SET orders = orders - 1, pay_fen = pay_fen - OLD.pay_amount_fen
        WHERE shop_row = OLD.shop_row
        AND day = ((COALESCE(OLD.create_time, 0) + 28800) / 86400) * 86400 - 28800
        AND status = COALESCE(OLD.order_status, 0);
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;
-- A missing time and 0 are the same day: the trigger that stores NULL as 0 (below, and it
-- runs first) must not move the order a second time.
CREATE TRIGGER order_daily_update AFTER UPDATE ON shop_orders
    WHEN OLD.shop_row IS NOT NEW.shop_row
        OR COALESCE(OLD.create_time, 0) IS NOT COALESCE(NEW.create_time, 0)
        OR OLD.order_status IS NOT NEW.order_status OR OLD.pay_amount_fen IS NOT NEW.pay_amount_fen
BEGIN
    UPDATE order_daily SET orders = orders - 1, pay_fen = pay_fen - OLD.pay_amount_fen
        WHERE shop_row = OLD.shop_row
        AND day = ((COALESCE(OLD.create_time, 0) + 28800) / 86400) * 86400 - 28800
        AND status = COALESCE(OLD.order_status, 0);
    INSERT INTO order_daily (shop_row, day, status, orders, pay_fen)
        VALUES (NEW.shop_row, ((COALESCE(NEW.create_time, 0) + 28800) / 86400) * 86400 - 28800,
            COALESCE(NEW.order_status, 0), 1, NEW.pay_amount_fen)
        ON CONFLICT (shop_row, day, status) DO UPDATE
        SET orders = orders + 1, pay_fen = pay_fen + excluded.pay_fen;
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER shop_orders_time_insert AFTER INSERT ON shop_orders
    WHEN NEW.create_time IS NULL
BEGIN
    UPDATE shop_orders SET create_time = 0 WHERE id = NEW.id;
END;
CREATE TRIGGER shop_orders_time_update AFTER UPDATE OF create_time ON shop_orders
    WHEN NEW.create_time IS NULL
BEGIN
    UPDATE shop_orders SET create_time = 0 WHERE id = NEW.id;
END;
CREATE TRIGGER stats_gen_line_insert AFTER INSERT ON shop_order_lines BEGIN
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER stats_gen_line_delete AFTER DELETE ON shop_order_lines BEGIN
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;
CREATE TRIGGER stats_gen_line_update AFTER UPDATE ON shop_order_lines
    WHEN OLD.item_num IS NOT NEW.item_num OR OLD.pay_amount_fen IS NOT NEW.pay_amount_fen
        OR OLD.product_id IS NOT NEW.product_id OR OLD.product_name IS NOT NEW.product_name
        OR OLD.author_id IS NOT NEW.author_id OR OLD.room_id IS NOT NEW.room_id
        OR OLD.video_id IS NOT NEW.video_id
BEGIN
    UPDATE stats_gen SET gen = gen + 1 WHERE id = 1;
END;

-- 统计's rankings for one period, computed at `gen` for the period starting at `from_day`.
CREATE TABLE stats_snapshots (
    days INTEGER PRIMARY KEY,
    from_day INTEGER NOT NULL,
    gen INTEGER NOT NULL,
    computed_at INTEGER NOT NULL,
    payload TEXT NOT NULL
);
