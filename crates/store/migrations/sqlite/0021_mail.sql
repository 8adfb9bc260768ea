-- Mail: one row per mail an outbox event makes, written when the event is
-- fanned out (in the same transaction that marks it), addressed then, and
-- written out in the recipient's language when it is sent over SMTP, with
-- the webhooks' retries. Without SMTP they wait here (for a day).
CREATE TABLE mails (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES outbox (id),
    kind            TEXT    NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    to_address      TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    subject         TEXT,
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
