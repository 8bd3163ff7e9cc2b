-- The secrets vault: a canary that proves the master key, Ozon credentials, platform apps and
-- REST API keys. Sealed columns hold `sb1.<key id>.<nonce>.<ciphertext>`.
CREATE TABLE vault_meta (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    canary TEXT NOT NULL
);

CREATE TABLE ozon_credentials (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    client_id         TEXT    NOT NULL,
    api_key_sealed    TEXT    NOT NULL,
    api_key_last4     TEXT    NOT NULL,
    expires_at        INTEGER,
    roles             TEXT    NOT NULL DEFAULT '[]',
    last_checked_at   INTEGER,
    last_check_ok     INTEGER,
    last_check_message TEXT   NOT NULL DEFAULT '',
    created_by        TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE platform_apps (
    platform      TEXT    PRIMARY KEY CHECK (platform IN ('douyin', 'doudian', 'taobao', 'jd', 'pdd')),
    enabled       INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    app_key       TEXT    NOT NULL DEFAULT '',
    secret_sealed TEXT,
    secret_last4  TEXT    NOT NULL DEFAULT '',
    service_id    TEXT    NOT NULL DEFAULT '',
    updated_by    TEXT    NOT NULL DEFAULT '',
    updated_at    INTEGER
);
INSERT INTO platform_apps (platform) VALUES ('douyin'), ('doudian'), ('taobao'), ('jd'), ('pdd');

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL UNIQUE,
    key_hash     TEXT    NOT NULL,
    created_by   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
