-- `member.removed` (SPEC §14) whoever removes the member: the command line, the users directory
-- (`DELETE /api/user/<id>/`), the console, an operator's SQL. Every removal of an organisation or
-- team membership row is already audited `membership_ended` by the trigger of 0013, in the
-- removal's transaction, so that action is the event; the command line's own `member.removed`
-- audit row is no longer sent (it would be the same removal twice). A deactivation ends no
-- membership row and is not a removal.
--
-- The audit row gains the member's username (as the command line's row names it), so the
-- event's data and the audit log say who, not only a number.

CREATE FUNCTION latchkey_membership_ended_username() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.detail := NEW.detail || jsonb_build_object(
        'username', (SELECT u.username FROM users u WHERE u.id = (NEW.detail ->> 'user')::bigint));
    RETURN NEW;
END $$;

CREATE TRIGGER audit_events_membership_ended_username BEFORE INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.action = 'membership_ended' AND NOT NEW.detail ? 'username')
    EXECUTE FUNCTION latchkey_membership_ended_username();

ALTER FUNCTION latchkey_webhook_type(text) RENAME TO latchkey_webhook_type_0024;

CREATE FUNCTION latchkey_webhook_type(action text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE action
        WHEN 'membership_ended' THEN 'member.removed'
        WHEN 'member.removed' THEN NULL
        ELSE latchkey_webhook_type_0024(action)
    END
$$;

DROP TRIGGER audit_events_webhooks ON audit_events;
CREATE TRIGGER audit_events_webhooks AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (latchkey_webhook_type(NEW.action) IS NOT NULL
                       AND NOT (NEW.action = 'membership_ended' AND NEW.detail ? 'deactivated'))
    EXECUTE FUNCTION latchkey_webhook_outbox();
