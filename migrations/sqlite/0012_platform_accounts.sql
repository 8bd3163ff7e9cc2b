-- Douyin accounts and 抖店 shops (issue 8): connections with sealed tokens, OAuth states,
-- shops, products, orders and their lines, and each sync's resumable cursor.

CREATE TABLE platform_accounts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,                -- douyin | doudian
    external_id TEXT NOT NULL,             -- Douyin open_id | 抖店 shop_id
    name TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT '',
    access_token_sealed TEXT,
    refresh_token_sealed TEXT,
    access_expires_at INTEGER NOT NULL DEFAULT 0,
    refresh_expires_at INTEGER NOT NULL DEFAULT 0,
    renewals INTEGER NOT NULL DEFAULT 0,   -- Douyin renew_refresh_token calls (at most 5)
    token_version INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'connected', -- connected | reauth
    status_reason TEXT NOT NULL DEFAULT '',
    connected_by TEXT NOT NULL DEFAULT '',
    connected_at INTEGER NOT NULL,
    refreshed_at INTEGER,
    UNIQUE (platform, external_id)
);

CREATE TABLE oauth_states (
    state_hash TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    binding_hash TEXT NOT NULL,            -- ties the state to the browser session that asked
    created_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE shops (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES platform_accounts(id),
    platform TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    shop_name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (platform, shop_id)
);

CREATE TABLE shop_products (
    id INTEGER PRIMARY KEY,
    shop_row INTEGER NOT NULL REFERENCES shops(id),
    product_id TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    img TEXT NOT NULL DEFAULT '',
    status INTEGER,
    check_status INTEGER,
    outer_product_id TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    create_time INTEGER,
    update_time INTEGER,
    raw TEXT NOT NULL DEFAULT '{}',
    synced_at INTEGER NOT NULL,
    UNIQUE (shop_row, product_id)
);
CREATE INDEX shop_products_name ON shop_products (name);

CREATE TABLE shop_orders (
    id INTEGER PRIMARY KEY,
    shop_row INTEGER NOT NULL REFERENCES shops(id),
    order_id TEXT NOT NULL,
    order_status INTEGER,
    status_desc TEXT NOT NULL DEFAULT '',
    order_amount_fen INTEGER NOT NULL DEFAULT 0,
    pay_amount_fen INTEGER NOT NULL DEFAULT 0,
    post_amount_fen INTEGER NOT NULL DEFAULT 0,
    promotion_amount_fen INTEGER NOT NULL DEFAULT 0,
    create_time INTEGER,
    pay_time INTEGER,
    update_time INTEGER,
    finish_time INTEGER,
    -- Buyer data stays as the platform sent it: encrypted or masked, never decrypted here.
    doudian_open_id TEXT NOT NULL DEFAULT '',
    encrypt_post_receiver TEXT NOT NULL DEFAULT '',
    encrypt_post_tel TEXT NOT NULL DEFAULT '',
    mask_post_receiver TEXT NOT NULL DEFAULT '',
    mask_post_tel TEXT NOT NULL DEFAULT '',
    synced_at INTEGER NOT NULL,
    UNIQUE (shop_row, order_id)
);
CREATE INDEX shop_orders_create ON shop_orders (create_time);

CREATE TABLE shop_order_lines (
    id INTEGER PRIMARY KEY,
    order_row INTEGER NOT NULL REFERENCES shop_orders(id),
    sku_order_id TEXT NOT NULL,
    product_id TEXT NOT NULL DEFAULT '',
    sku_id TEXT NOT NULL DEFAULT '',
    product_name TEXT NOT NULL DEFAULT '',
    item_num INTEGER NOT NULL DEFAULT 0,
    origin_amount_fen INTEGER NOT NULL DEFAULT 0,
    pay_amount_fen INTEGER NOT NULL DEFAULT 0,
    author_id TEXT NOT NULL DEFAULT '',
    room_id TEXT NOT NULL DEFAULT '',
    video_id TEXT NOT NULL DEFAULT '',
    content_id TEXT NOT NULL DEFAULT '',
    UNIQUE (order_row, sku_order_id)
);

-- One row per shop and kind (products | orders): everything updated before `watermark` is
-- stored; a run in progress keeps its window and next page here, so a restart resumes.
CREATE TABLE shop_sync (
    shop_row INTEGER NOT NULL REFERENCES shops(id),
    kind TEXT NOT NULL,
    watermark INTEGER NOT NULL DEFAULT 0,
    window_start INTEGER,
    window_end INTEGER,
    run_end INTEGER,
    page INTEGER NOT NULL DEFAULT 0,
    started_at INTEGER,
    finished_at INTEGER,
    ok INTEGER,
    result TEXT NOT NULL DEFAULT '',
    fetched INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shop_row, kind)
);
