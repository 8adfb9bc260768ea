-- A charge's service date is kept as a count of days from its event's day
-- zero (events.charge_epoch). A Move shifts the event's day zero instead of
-- rewriting every charge; charges the move leaves where they are (cancelled
-- ones) are counted back by the same days. The date itself is
-- charge_epoch + service_day, computed where it is read.
ALTER TABLE events ADD COLUMN charge_epoch TEXT;
UPDATE events SET charge_epoch = start_date;
ALTER TABLE events ALTER COLUMN charge_epoch SET NOT NULL;
ALTER TABLE charges ADD COLUMN service_day INTEGER;
UPDATE charges SET service_day = charges.service_date::date - events.charge_epoch::date
    FROM events WHERE events.id = charges.event_id;
ALTER TABLE charges ALTER COLUMN service_day SET NOT NULL;
ALTER TABLE charges DROP COLUMN service_date;
