-- Ozon listing part 1: the category cache per stored credential, its refreshes and diffs, and
-- product drafts. A type row has type_id > 0 and the category it sits under; a category row has
-- type_id = 0.
CREATE TABLE catalog_nodes (
    credential_id INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    type_id       INTEGER NOT NULL DEFAULT 0,
    parent_id     INTEGER NOT NULL DEFAULT 0,
    name_zh       TEXT    NOT NULL,
    name_ru       TEXT    NOT NULL,
    path          TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (credential_id, category_id, type_id)
);

CREATE TABLE catalog_attributes (
    credential_id INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    type_id       INTEGER NOT NULL,
    attributes    TEXT    NOT NULL,
    fetched_at    INTEGER NOT NULL,
    PRIMARY KEY (credential_id, category_id, type_id)
);

CREATE TABLE catalog_values (
    credential_id INTEGER NOT NULL,
    attribute_id  INTEGER NOT NULL,
    category_id   INTEGER NOT NULL,
    type_id       INTEGER NOT NULL,
    value_id      INTEGER NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (credential_id, attribute_id, category_id, type_id, value_id)
);

-- A refresh in progress keeps what it fetched here, so a restart resumes it.
CREATE TABLE catalog_refreshes (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    tree_zh       TEXT,
    tree_ru       TEXT,
    pending       TEXT    NOT NULL DEFAULT '[]',
    fetched       TEXT    NOT NULL DEFAULT '[]',
    error         TEXT,
    started_at    INTEGER NOT NULL,
    finished_at   INTEGER
);

CREATE TABLE catalog_diffs (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    changes       TEXT    NOT NULL
);

CREATE TABLE listing_drafts (
    offer_id      TEXT    PRIMARY KEY,
    credential_id INTEGER,
    data          TEXT    NOT NULL,
    problems      TEXT    NOT NULL DEFAULT '[]',
    flag          TEXT,
    updated_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
