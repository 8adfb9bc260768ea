-- Passes are signed with Ed25519 so a door can decide offline. Every key is
-- kept with its id; the newest unretired one signs, and a retired key stays
-- published for a day, as long as a pass it signed can live.
CREATE TABLE pass_keys (
    kid        TEXT PRIMARY KEY,
    secret     TEXT    NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);

-- The door's log: which way, whether the door decided offline, and the
-- turnstile's own id for an offline check (so an upload can be retried).
ALTER TABLE access_checks ADD COLUMN direction TEXT NOT NULL DEFAULT 'in';
ALTER TABLE access_checks ADD COLUMN offline BIGINT NOT NULL DEFAULT 0;
ALTER TABLE access_checks ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX access_checks_client ON access_checks (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX access_checks_at ON access_checks (at, id);
CREATE INDEX access_checks_premises ON access_checks (premises_id, at, id);
