-- Promotions (推广): short videos, live previews and image-text posts for a connected Douyin
-- account, from draft to published. The row is also the publish job: its step columns record
-- how far publishing got, so a restart resumes instead of posting twice.
CREATE TABLE promotions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('video', 'live', 'image_text')),
    account_id INTEGER NOT NULL REFERENCES platform_accounts(id),
    shop_row INTEGER REFERENCES shops(id),
    title TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    -- "@昵称 open_id" lines for the @mentions in body.
    mentions TEXT NOT NULL DEFAULT '',
    -- Comma-separated shop_products ids.
    product_ids TEXT NOT NULL DEFAULT '',
    cover_tsp REAL,
    -- One anchor per post: a POI or a mini-app, never both.
    poi_id TEXT NOT NULL DEFAULT '',
    micro_app_id TEXT NOT NULL DEFAULT '',
    micro_app_title TEXT NOT NULL DEFAULT '',
    micro_app_url TEXT NOT NULL DEFAULT '',
    -- Live previews: when the live starts, and the live room once known (for attribution).
    room_id TEXT NOT NULL DEFAULT '',
    publish_at INTEGER,
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'scheduled', 'publishing', 'published', 'failed', 'deleted')),
    -- Publish job progress.
    video_id TEXT,
    upload_id TEXT,
    parts_done INTEGER NOT NULL DEFAULT 0,
    image_ids TEXT,
    create_sent_at INTEGER,
    item_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER,
    error TEXT NOT NULL DEFAULT '',
    review TEXT NOT NULL DEFAULT '',
    share_url TEXT NOT NULL DEFAULT '',
    -- Read back from video_data.
    plays INTEGER NOT NULL DEFAULT 0,
    likes INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    shares INTEGER NOT NULL DEFAULT 0,
    stats_at INTEGER,
    created_by TEXT NOT NULL,
    confirmed_by TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX promotions_due ON promotions (state, publish_at);
CREATE UNIQUE INDEX promotions_item ON promotions (item_id) WHERE item_id IS NOT NULL;

CREATE TABLE promotion_media (
    id INTEGER PRIMARY KEY,
    promotion_id INTEGER NOT NULL REFERENCES promotions(id),
    role TEXT NOT NULL CHECK (role IN ('video', 'image', 'cover')),
    object_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    duration_ms INTEGER,
    position INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX promotion_media_of ON promotion_media (promotion_id, role, position);

-- Every state change, with what the platform said.
CREATE TABLE promotion_events (
    id INTEGER PRIMARY KEY,
    promotion_id INTEGER NOT NULL REFERENCES promotions(id),
    at INTEGER NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX promotion_events_of ON promotion_events (promotion_id, id);
CREATE INDEX promotion_events_at ON promotion_events (at, state);

-- Attribution: order lines by the video or live room they came from.
CREATE INDEX shop_order_lines_video ON shop_order_lines (video_id) WHERE video_id != '';
CREATE INDEX shop_order_lines_room ON shop_order_lines (room_id) WHERE room_id != '';
