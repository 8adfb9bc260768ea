-- The catalogue is edited and archived, never deleted while anything refers
-- to it. An archived item is not offered or accepted for new orders; what
-- already uses it keeps it. Every edit bumps the version, so each instance's
-- in-memory copy of the catalogue knows to read it again.
ALTER TABLE venues ADD COLUMN archived_at INTEGER;
ALTER TABLE premises ADD COLUMN archived_at INTEGER;
ALTER TABLE workplaces ADD COLUMN archived_at INTEGER;
ALTER TABLE tariffs ADD COLUMN archived_at INTEGER;
ALTER TABLE service_variants ADD COLUMN archived_at INTEGER;
ALTER TABLE modifiers ADD COLUMN archived_at INTEGER;
CREATE TABLE catalogue_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalogue_version (id, version) VALUES (1, 0);
