-- Settings shared by every instance (the key that signs passes).
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Every access check at a door: which pass, which gate, when, the verdict.
CREATE TABLE access_checks (
    id            INTEGER PRIMARY KEY,
    ticket_number INTEGER REFERENCES tickets (number),
    premises_id   INTEGER NOT NULL,
    gate_id       INTEGER NOT NULL REFERENCES users (id),
    at            INTEGER NOT NULL,
    allowed       INTEGER NOT NULL,
    reason        TEXT    NOT NULL
);
CREATE INDEX access_checks_ticket ON access_checks (ticket_number, at);
