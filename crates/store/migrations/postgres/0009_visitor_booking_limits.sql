-- A venue's limits on what visitors book for themselves (managers are
-- exempt): how far ahead a booking may end, how long it may last, and how
-- long an unpaid order is held before the sweep cancels it.
ALTER TABLE venues ADD COLUMN booking_horizon_days BIGINT NOT NULL DEFAULT 180;
ALTER TABLE venues ADD COLUMN longest_booking_days BIGINT NOT NULL DEFAULT 31;
ALTER TABLE venues ADD COLUMN payment_hours BIGINT NOT NULL DEFAULT 24;
-- The sweep looks for unpaid orders by age.
CREATE INDEX orders_unpaid ON orders (created_at) WHERE status IN ('new', 'new_payment_in_progress');
