-- Every uploaded listing spreadsheet is kept as it came, with the per-row report of its import,
-- so a user can fix the file and upload it again.
CREATE TABLE listing_imports (
    id            INTEGER PRIMARY KEY,
    credential_id INTEGER,
    file_name     TEXT    NOT NULL,
    content       BLOB    NOT NULL,
    report        TEXT,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);
