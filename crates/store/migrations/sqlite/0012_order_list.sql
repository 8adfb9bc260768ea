-- The orders list: filters by status (as it reads now) and by the days its
-- tickets cover, number descending. An order's tickets keep their periods,
-- so its span and last end are written once, with the order.
ALTER TABLE orders ADD COLUMN first_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN last_day INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN last_end_at INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET
    first_day = COALESCE((SELECT MIN(t.start_day) FROM tickets t WHERE t.order_number = orders.number), 0),
    last_day = COALESCE((SELECT MAX(t.end_day) FROM tickets t WHERE t.order_number = orders.number), 0),
    last_end_at = COALESCE((SELECT MAX(t.end_at) FROM tickets t WHERE t.order_number = orders.number), 0);
CREATE INDEX orders_status ON orders (status, number);
CREATE INDEX orders_days ON orders (first_day, last_day);
CREATE INDEX orders_last_day ON orders (last_day, first_day);
-- Confirmed orders whose last ticket ended read completed before the sweep writes it.
CREATE INDEX orders_due_end ON orders (last_end_at) WHERE status = 'confirmed';
