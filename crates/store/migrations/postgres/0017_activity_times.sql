-- Activities get times: a hall is held for [start_min, end_min) minutes of
-- its day in the venue's time zone (0..1440, the whole day, when no time is
-- given), and notes for the banquet staff. The one-activity-a-day index
-- gives way to an exclusion constraint on overlapping times, which holds
-- under any concurrency and across instances (btree_gist is a trusted
-- extension: the database's owner may create it).
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE activities ADD COLUMN start_min INTEGER NOT NULL DEFAULT 0 CHECK (start_min >= 0 AND start_min < 1440);
ALTER TABLE activities ADD COLUMN end_min INTEGER NOT NULL DEFAULT 1440 CHECK (end_min > start_min AND end_min <= 1440);
ALTER TABLE activities ADD COLUMN notes TEXT NOT NULL DEFAULT '';
DROP INDEX activities_hall_once;
ALTER TABLE activities ADD CONSTRAINT activities_hall_overlap
    EXCLUDE USING gist (premises_id WITH =, date WITH =, int4range(start_min, end_min) WITH &&)
    WHERE (status = 'active' AND premises_id IS NOT NULL);
