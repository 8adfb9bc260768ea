-- Charges can be voided by hand (kept, with who, when and why), and folios
-- get names. SQLite cannot change a CHECK in place: the charges table is
-- rebuilt with the new status list and the void's columns.
CREATE TABLE charges_new (
    id           INTEGER PRIMARY KEY,
    folio_id     INTEGER NOT NULL REFERENCES folios (id),
    event_id     INTEGER NOT NULL REFERENCES events (id),
    activity_id  INTEGER REFERENCES activities (id),
    description  TEXT    NOT NULL,
    quantity     TEXT    NOT NULL,
    unit_price   TEXT    NOT NULL,
    currency     TEXT    NOT NULL,
    follows_pax  INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('active','cancelled','void')),
    service_day  INTEGER NOT NULL DEFAULT 0,
    void_reason  TEXT,
    voided_at    INTEGER,
    voided_by    INTEGER REFERENCES users (id)
);
INSERT INTO charges_new (id, folio_id, event_id, activity_id, description, quantity, unit_price, currency, follows_pax, status, service_day)
    SELECT id, folio_id, event_id, activity_id, description, quantity, unit_price, currency, follows_pax, status, service_day FROM charges;
DROP TABLE charges;
ALTER TABLE charges_new RENAME TO charges;
CREATE INDEX charges_event ON charges (event_id);
CREATE INDEX charges_folio ON charges (folio_id);

ALTER TABLE folios ADD COLUMN name TEXT NOT NULL DEFAULT '';
