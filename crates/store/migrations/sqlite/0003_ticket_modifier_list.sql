-- The single-statement booking path hands a ticket's modifiers over as a JSON
-- list with the ticket row; this trigger files them into ticket_modifiers.
-- (A separate INSERT in the same multi-statement round trip cannot take a
-- high-numbered shared parameter: the driver stops binding at the first gap.)
ALTER TABLE tickets ADD COLUMN modifier_list TEXT;

CREATE TRIGGER tickets_modifier_list AFTER INSERT ON tickets
WHEN NEW.modifier_list IS NOT NULL
BEGIN
    INSERT INTO ticket_modifiers (ticket_number, modifier_id)
    SELECT NEW.number, value FROM json_each(NEW.modifier_list);
END;
