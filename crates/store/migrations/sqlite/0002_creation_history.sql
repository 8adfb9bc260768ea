-- The database writes the first line of every order's and ticket's history
-- as the row is inserted: one statement less per booking on the hot path,
-- and no insert path can forget it.
CREATE TRIGGER orders_created_history AFTER INSERT ON orders
BEGIN
    INSERT INTO order_history (order_number, at, from_status, to_status, actor_id, cause)
    VALUES (NEW.number, NEW.created_at, NULL, NEW.status, NEW.created_by, 'order_created');
END;

CREATE TRIGGER tickets_created_history AFTER INSERT ON tickets
BEGIN
    INSERT INTO ticket_history (ticket_number, at, kind, from_status, to_status, actor_id, cause)
    VALUES (NEW.number, NEW.created_at, 'status', NULL, NEW.status,
            (SELECT created_by FROM orders WHERE number = NEW.order_number), 'order_created');
END;
