-- Events with activities, room blocks, folios and charges. Dates are
-- 'YYYY-MM-DD' text, quantities and prices decimal text.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    venue_id   INTEGER NOT NULL REFERENCES venues (id),
    name       TEXT    NOT NULL,
    pax        INTEGER NOT NULL CHECK (pax >= 1),
    start_date TEXT    NOT NULL,
    end_date   TEXT    NOT NULL CHECK (end_date >= start_date),
    version    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('hall','catering','other')),
    name        TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    pax         INTEGER NOT NULL CHECK (pax >= 1),
    premises_id INTEGER REFERENCES premises (id),
    status      TEXT    NOT NULL CHECK (status IN ('active','cancelled'))
);
CREATE INDEX activities_event ON activities (event_id);
-- A hall is held by one live activity a day, whatever code path writes it.
CREATE UNIQUE INDEX activities_hall_once ON activities (premises_id, date) WHERE status = 'active' AND premises_id IS NOT NULL;

CREATE TABLE blocks (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id),
    name       TEXT    NOT NULL,
    rooms      INTEGER NOT NULL CHECK (rooms >= 1),
    start_date TEXT    NOT NULL,
    end_date   TEXT    NOT NULL
);
CREATE INDEX blocks_event ON blocks (event_id);

CREATE TABLE folios (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    status   TEXT    NOT NULL CHECK (status IN ('open','closed'))
);
CREATE INDEX folios_event ON folios (event_id);

CREATE TABLE charges (
    id           INTEGER PRIMARY KEY,
    folio_id     INTEGER NOT NULL REFERENCES folios (id),
    event_id     INTEGER NOT NULL REFERENCES events (id),
    activity_id  INTEGER REFERENCES activities (id),
    description  TEXT    NOT NULL,
    service_date TEXT    NOT NULL,
    quantity     TEXT    NOT NULL,
    unit_price   TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    follows_pax  INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('active','cancelled'))
);
CREATE INDEX charges_event ON charges (event_id);

CREATE TABLE event_audit (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL REFERENCES users (id),
    command       TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    version_after INTEGER NOT NULL
);
CREATE INDEX event_audit_event ON event_audit (event_id, id);
