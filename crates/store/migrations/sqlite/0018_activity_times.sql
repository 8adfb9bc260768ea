-- Activities get times: a hall is held for [start_min, end_min) minutes of
-- its day in the venue's time zone (0..1440, the whole day, when no time is
-- given), and notes for the banquet staff. The one-activity-a-day index
-- gives way to a check of overlapping times; SQLite's single writer makes
-- a trigger as strict as PostgreSQL's exclusion constraint.
ALTER TABLE activities ADD COLUMN start_min INTEGER NOT NULL DEFAULT 0 CHECK (start_min >= 0 AND start_min < 1440);
ALTER TABLE activities ADD COLUMN end_min INTEGER NOT NULL DEFAULT 1440 CHECK (end_min > start_min AND end_min <= 1440);
ALTER TABLE activities ADD COLUMN notes TEXT NOT NULL DEFAULT '';
DROP INDEX activities_hall_once;
CREATE INDEX activities_hall ON activities (premises_id, date) WHERE status = 'active' AND premises_id IS NOT NULL;

CREATE TRIGGER activities_hall_overlap_insert BEFORE INSERT ON activities
WHEN NEW.status = 'active' AND NEW.premises_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'activities_hall_overlap') WHERE EXISTS (
        SELECT 1 FROM activities a
        WHERE a.premises_id = NEW.premises_id AND a.date = NEW.date AND a.status = 'active'
          AND a.start_min < NEW.end_min AND NEW.start_min < a.end_min);
END;

CREATE TRIGGER activities_hall_overlap_update BEFORE UPDATE OF premises_id, date, start_min, end_min, status ON activities
WHEN NEW.status = 'active' AND NEW.premises_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'activities_hall_overlap') WHERE EXISTS (
        SELECT 1 FROM activities a
        WHERE a.id <> NEW.id AND a.premises_id = NEW.premises_id AND a.date = NEW.date AND a.status = 'active'
          AND a.start_min < NEW.end_min AND NEW.start_min < a.end_min);
END;
