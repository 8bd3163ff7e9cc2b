-- Image download tasks of the 图片下载 page. `report` is the task's items as JSON (the
-- contract's items plus each image's outcome), saved while it runs and when it ends.
CREATE TABLE image_tasks (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    username        TEXT    NOT NULL,
    credential_id   INTEGER,
    credential_name TEXT    NOT NULL,
    field           TEXT    NOT NULL,
    options         TEXT    NOT NULL DEFAULT '{}',
    articles        TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    total_articles  INTEGER NOT NULL,
    total_images    INTEGER NOT NULL DEFAULT 0,
    success_images  INTEGER NOT NULL DEFAULT 0,
    failed_images   INTEGER NOT NULL DEFAULT 0,
    items           TEXT    NOT NULL DEFAULT '[]',
    error           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX image_tasks_created ON image_tasks (created_at DESC, id DESC);
