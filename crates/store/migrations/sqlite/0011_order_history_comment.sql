-- A manager's comment on a change of an order's status, shown in its history.
ALTER TABLE order_history ADD COLUMN comment TEXT;
