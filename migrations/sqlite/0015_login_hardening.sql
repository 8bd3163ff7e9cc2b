-- A login attempt is written before its password is checked (checked = 0, success = 0) and
-- settled after; an unsettled one counts against its account but not against its IP, so an
-- office behind one address can sign in together while one account cannot be raced.
ALTER TABLE login_attempts ADD COLUMN checked INTEGER NOT NULL DEFAULT 1 CHECK (checked IN (0, 1));

-- Each session remembers the generation it was signed in under; a password change or reset
-- moves the user on, which ends every other session at its next request.
ALTER TABLE users ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0;

-- Facts about the data dir itself, e.g. `demo` = 1 when `shopbridge demo` made it.
CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
