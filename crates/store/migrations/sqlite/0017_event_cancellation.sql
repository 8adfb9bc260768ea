-- Events and room blocks are cancelled, never deleted.
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','cancelled'));
ALTER TABLE blocks ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','cancelled'));
