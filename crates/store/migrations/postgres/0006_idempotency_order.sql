-- The order a key's request created, written in the order's own
-- transaction: if the process dies before the answer is kept, a retry finds
-- the order instead of creating a second one.
ALTER TABLE idempotency_keys ADD COLUMN order_number BIGINT;
