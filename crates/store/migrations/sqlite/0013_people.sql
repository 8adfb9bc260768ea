-- People: an account is deactivated (it cannot sign in; its sessions end)
-- rather than deleted, and carries the language its mail is written in.
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'bg', 'en'));
CREATE INDEX users_role ON users (role, id);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

-- One-time links to set a forgotten password: only the token's hash is kept.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets (user_id);
