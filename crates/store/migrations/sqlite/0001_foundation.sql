-- Tessera's foundation on SQLite. Instants are UNIX seconds (UTC), local days
-- are day numbers since 1970-01-01, money is a decimal string.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    first_name    TEXT    NOT NULL,
    last_name     TEXT    NOT NULL,
    first_key     TEXT    NOT NULL,
    last_key      TEXT    NOT NULL,
    phone         TEXT,
    role          TEXT    NOT NULL CHECK (role IN ('admin','rental_manager','event_manager','visitor','gate')),
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX users_first_key ON users (first_key);
CREATE INDEX users_last_key ON users (last_key);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) WITHOUT ROWID;

CREATE TABLE venues (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    currency  TEXT NOT NULL,
    locale    TEXT NOT NULL
);

CREATE TABLE premises (
    id         INTEGER PRIMARY KEY,
    venue_id   INTEGER NOT NULL REFERENCES venues (id),
    name       TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('coworking','hall')),
    directions TEXT
);

CREATE TABLE workplaces (
    id          INTEGER PRIMARY KEY,
    premises_id INTEGER NOT NULL REFERENCES premises (id),
    name        TEXT    NOT NULL,
    UNIQUE (premises_id, name)
);

CREATE TABLE tariffs (
    id       INTEGER PRIMARY KEY,
    venue_id INTEGER NOT NULL REFERENCES venues (id),
    name     TEXT    NOT NULL,
    unit     TEXT    NOT NULL CHECK (unit IN ('hour','day','month')),
    price    TEXT    NOT NULL
);

CREATE TABLE service_variants (
    id       INTEGER PRIMARY KEY,
    venue_id INTEGER NOT NULL REFERENCES venues (id),
    name     TEXT    NOT NULL
);

CREATE TABLE modifiers (
    id       INTEGER PRIMARY KEY,
    venue_id INTEGER NOT NULL REFERENCES venues (id),
    name     TEXT    NOT NULL,
    price    TEXT    NOT NULL
);

CREATE TABLE orders (
    number      INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES users (id),
    venue_id    INTEGER NOT NULL REFERENCES venues (id),
    status      TEXT    NOT NULL,
    total       TEXT    NOT NULL,
    currency    TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_history (
    id           INTEGER PRIMARY KEY,
    order_number INTEGER NOT NULL REFERENCES orders (number),
    at           INTEGER NOT NULL,
    from_status  TEXT,
    to_status    TEXT    NOT NULL,
    actor_id     INTEGER REFERENCES users (id),
    cause        TEXT    NOT NULL
);
CREATE INDEX order_history_order ON order_history (order_number);

CREATE TABLE tickets (
    number             INTEGER PRIMARY KEY,
    order_number       INTEGER NOT NULL REFERENCES orders (number),
    workplace_id       INTEGER NOT NULL REFERENCES workplaces (id),
    premises_id        INTEGER NOT NULL REFERENCES premises (id),
    visitor_id         INTEGER NOT NULL REFERENCES users (id),
    visitor_first_key  TEXT    NOT NULL,
    visitor_last_key   TEXT    NOT NULL,
    tariff_id          INTEGER NOT NULL REFERENCES tariffs (id),
    service_variant_id INTEGER REFERENCES service_variants (id),
    price              TEXT    NOT NULL,
    start_date         TEXT    NOT NULL,
    end_date           TEXT    NOT NULL,
    start_time         TEXT,
    end_time           TEXT,
    start_day          INTEGER NOT NULL,
    end_day            INTEGER NOT NULL,
    start_at           INTEGER NOT NULL,
    end_at             INTEGER NOT NULL CHECK (end_at > start_at),
    status             TEXT    NOT NULL CHECK (status IN ('new','confirmed','active','cancelled','completed')),
    validated_at       INTEGER,
    validated_by       INTEGER REFERENCES users (id),
    pass_generation    INTEGER NOT NULL DEFAULT 0,
    first_visit_at     INTEGER,
    created_at         INTEGER NOT NULL
);
CREATE INDEX tickets_order ON tickets (order_number);
CREATE INDEX tickets_visitor ON tickets (visitor_id, number);
CREATE INDEX tickets_workplace_end ON tickets (workplace_id, end_at);
CREATE INDEX tickets_first_key ON tickets (visitor_first_key, number);
CREATE INDEX tickets_last_key ON tickets (visitor_last_key, number);
CREATE INDEX tickets_status ON tickets (status, number);
CREATE INDEX tickets_days ON tickets (start_day, end_day);
CREATE INDEX tickets_end_day ON tickets (end_day, start_day);
CREATE INDEX tickets_due_start ON tickets (start_at) WHERE status = 'confirmed';
CREATE INDEX tickets_due_end ON tickets (end_at) WHERE status IN ('confirmed','active');

-- No double booking: the database itself refuses a ticket that would hold a
-- workplace another live ticket holds at an overlapping instant, whatever
-- code path writes it.
CREATE TRIGGER tickets_no_double_booking_insert
BEFORE INSERT ON tickets
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM tickets t
    WHERE t.workplace_id = NEW.workplace_id AND t.status <> 'cancelled'
      AND t.end_at > NEW.start_at AND t.start_at < NEW.end_at)
BEGIN
    SELECT RAISE(ABORT, 'workplace_taken');
END;

CREATE TRIGGER tickets_no_double_booking_update
BEFORE UPDATE OF workplace_id, start_at, end_at, status ON tickets
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM tickets t
    WHERE t.workplace_id = NEW.workplace_id AND t.status <> 'cancelled'
      AND t.number <> NEW.number
      AND t.end_at > NEW.start_at AND t.start_at < NEW.end_at)
BEGIN
    SELECT RAISE(ABORT, 'workplace_taken');
END;

CREATE TABLE ticket_modifiers (
    ticket_number INTEGER NOT NULL REFERENCES tickets (number),
    modifier_id   INTEGER NOT NULL REFERENCES modifiers (id),
    PRIMARY KEY (ticket_number, modifier_id)
) WITHOUT ROWID;

CREATE TABLE ticket_history (
    id            INTEGER PRIMARY KEY,
    ticket_number INTEGER NOT NULL REFERENCES tickets (number),
    at            INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    from_status   TEXT,
    to_status     TEXT,
    actor_id      INTEGER REFERENCES users (id),
    cause         TEXT    NOT NULL,
    detail        TEXT
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_number, id);
-- A status is entered at most once: the time-driven sweep may run on several
-- instances at once, and each change must be written exactly once.
CREATE UNIQUE INDEX ticket_history_status_once ON ticket_history (ticket_number, to_status) WHERE kind = 'status';
