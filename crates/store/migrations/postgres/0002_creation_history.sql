-- The database writes the first line of every order's and ticket's history
-- as the row is inserted: one statement less per booking on the hot path,
-- and no insert path can forget it.
CREATE FUNCTION orders_created_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO order_history (order_number, at, from_status, to_status, actor_id, cause)
    VALUES (NEW.number, NEW.created_at, NULL, NEW.status, NEW.created_by, 'order_created');
    RETURN NULL;
END $$;
CREATE TRIGGER orders_created_history AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_created_history();

CREATE FUNCTION tickets_created_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_history (ticket_number, at, kind, from_status, to_status, actor_id, cause)
    VALUES (NEW.number, NEW.created_at, 'status', NULL, NEW.status,
            (SELECT created_by FROM orders WHERE number = NEW.order_number), 'order_created');
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_created_history AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_created_history();
