-- Mail: made from the outbox's events when they are fanned out (in the
-- same transaction that marks them), rendered then in the recipient's
-- language, and sent over SMTP with the webhooks' retries. Without SMTP
-- they wait here.
CREATE TABLE mails (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES outbox (id),
    kind            TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    to_address      TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX mails_due ON mails (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX mails_event ON mails (event_id);
CREATE INDEX mails_state ON mails (state, id);
