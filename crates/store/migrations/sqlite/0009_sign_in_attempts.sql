-- Sign-in and sign-up attempts, counted where every instance sees them: a
-- sign-in is written here before its password is checked (in flight counts
-- like a failure), marked failed by a wrong password, and removed when it
-- succeeds (with the pair's failures, not the attempts still in flight); rows older than the longest
-- window are swept.
CREATE TABLE sign_in_attempts (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('sign_in', 'sign_up')),
    email   TEXT NOT NULL,
    address TEXT NOT NULL,
    at      INTEGER NOT NULL,
    failed  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address, kind, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);
