-- API sessions (`authtoken`, SPEC §5) are held in memory on every instance like keys, so every
-- instance must hear when one ends or changes, by any writer: 'user:<id>' of the session's key's
-- owner, on the channel the vault already listens to (0004). Ending a session through its key
-- (revocation, roll, password change) announces the owner already; this covers the rest
-- (logout, an operator's SQL).
CREATE FUNCTION latchkey_api_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'user:' || k.user_id) FROM api_keys k WHERE k.id = OLD.api_key_id;
    RETURN NULL;
END $$;

CREATE TRIGGER session_tokens_changed AFTER UPDATE ON session_tokens
    FOR EACH ROW WHEN ((to_jsonb(OLD) - 'updated_at') IS DISTINCT FROM (to_jsonb(NEW) - 'updated_at'))
    EXECUTE FUNCTION latchkey_api_session_changed();
CREATE TRIGGER session_tokens_deleted AFTER DELETE ON session_tokens
    FOR EACH ROW EXECUTE FUNCTION latchkey_api_session_changed();
