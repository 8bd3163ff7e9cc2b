-- Browser sessions (auth/sessions.rs), one store for SQLite and PostgreSQL. The table
-- tower-sessions' SQLite store kept (tower_sessions) is left behind: its sessions end, and
-- everyone signs in once more.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
DROP TABLE IF EXISTS tower_sessions;
