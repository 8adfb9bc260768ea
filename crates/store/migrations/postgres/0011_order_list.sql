-- The orders list: filters by status (as it reads now) and by the days its
-- tickets cover, number descending. An order's tickets keep their periods,
-- so its span and last end are written once, with the order.
ALTER TABLE orders ADD COLUMN first_day BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN last_day BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN last_end_at BIGINT NOT NULL DEFAULT 0;
UPDATE orders o SET first_day = s.first_day, last_day = s.last_day, last_end_at = s.last_end_at
FROM (SELECT order_number, MIN(start_day) AS first_day, MAX(end_day) AS last_day, MAX(end_at) AS last_end_at
      FROM tickets GROUP BY order_number) s
WHERE s.order_number = o.number;
CREATE INDEX orders_status ON orders (status, number);
CREATE INDEX orders_customer_number ON orders (customer_id, number);
CREATE INDEX orders_days ON orders (first_day, last_day);
CREATE INDEX orders_last_day ON orders (last_day, first_day);
-- Confirmed orders whose last ticket ended read completed before the sweep writes it.
CREATE INDEX orders_due_end ON orders (last_end_at) WHERE status = 'confirmed';
