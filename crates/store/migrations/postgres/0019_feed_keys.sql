-- Calendar feeds open with a key instead of a session (calendar apps cannot
-- sign in). One key per user, stored as its SHA-256; a new key ends the old.
CREATE TABLE feed_keys (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    key_hash   TEXT   NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
