-- The outbox: every event a change emits, written in the change's own
-- transaction. The database writes most of them from the history lines the
-- change writes anyway (orders, tickets, event audit, door log), so no
-- write path can forget one; charges and closed folios are emitted by the
-- store. A dispatcher fans each event out to the webhooks subscribed to
-- its type.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    type       TEXT    NOT NULL,
    subject    INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    detail     TEXT,
    fanned_out INTEGER NOT NULL DEFAULT 0,
    body       TEXT
);
CREATE INDEX outbox_waiting ON outbox (id) WHERE fanned_out = 0;
CREATE INDEX outbox_at ON outbox (at);

CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    url         TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1,
    secret      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES outbox (id),
    type            TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_any_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
-- Deliveries in flight (claimed and not yet recorded): few at any time.
CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (claimed_until, webhook_id) WHERE claimed_until IS NOT NULL;
CREATE INDEX webhook_deliveries_of ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TRIGGER order_history_outbox AFTER INSERT ON order_history
BEGIN
    INSERT INTO outbox (type, subject, at, detail)
    VALUES (CASE WHEN NEW.from_status IS NULL THEN 'order.created' ELSE 'order.status_changed' END,
            NEW.order_number, NEW.at,
            json_object('from', NEW.from_status, 'to', NEW.to_status));
END;

-- A ticket's first line is its order's creation, which order.created tells.
CREATE TRIGGER ticket_history_outbox AFTER INSERT ON ticket_history
    WHEN NOT (NEW.kind = 'status' AND NEW.from_status IS NULL)
BEGIN
    INSERT INTO outbox (type, subject, at, detail)
    VALUES (CASE NEW.kind WHEN 'status' THEN 'ticket.status_changed' ELSE 'ticket.' || NEW.kind END,
            NEW.ticket_number, NEW.at,
            CASE NEW.kind WHEN 'status' THEN json_object('from', NEW.from_status, 'to', NEW.to_status)
                          ELSE NEW.detail END);
END;

CREATE TRIGGER event_audit_outbox AFTER INSERT ON event_audit
BEGIN
    INSERT INTO outbox (type, subject, at, detail)
    VALUES ('event.changed', NEW.event_id, NEW.at, json_object('command', NEW.command, 'version', NEW.version_after));
END;

-- The door's log is the busiest table: its lines become events only while
-- an endpoint (running or paused) listens for them.
CREATE TRIGGER access_checks_outbox AFTER INSERT ON access_checks
    WHEN EXISTS (SELECT 1 FROM webhooks
                 WHERE (events LIKE '%"*"%' OR events LIKE '%"access.checked"%'))
BEGIN
    INSERT INTO outbox (type, subject, at) VALUES ('access.checked', NEW.id, NEW.at);
END;
