-- Charges can be voided by hand (kept, with who, when and why), and folios
-- get names.
ALTER TABLE charges DROP CONSTRAINT charges_status_check;
ALTER TABLE charges ADD CONSTRAINT charges_status_check CHECK (status IN ('active','cancelled','void'));
ALTER TABLE charges ADD COLUMN void_reason TEXT;
ALTER TABLE charges ADD COLUMN voided_at BIGINT;
ALTER TABLE charges ADD COLUMN voided_by BIGINT REFERENCES users (id);
CREATE INDEX charges_folio ON charges (folio_id);

ALTER TABLE folios ADD COLUMN name TEXT NOT NULL DEFAULT '';
