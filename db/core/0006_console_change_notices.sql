-- The console caches sessions and key lists in memory on every instance (SPEC §10), so it
-- needs to hear of every change to them, by any writer, as the key cache does (0004).
--
-- 'user:<id>' when a browser session ends or changes (MFA verified, enrolment), and when the
-- user's MFA secret or email changes; 'issued:<id>' when a key is issued (the owner's key list:
-- no cached key changes). 'all' when an
-- organisation or team is renamed (every member's cached list of places). A session's
-- `last_seen_at` alone announces nothing.

CREATE FUNCTION latchkey_web_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'user:' || OLD.user_id);
    RETURN NULL;
END $$;

CREATE FUNCTION latchkey_key_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'issued:' || NEW.user_id);
    RETURN NULL;
END $$;

CREATE TRIGGER web_sessions_changed AFTER UPDATE ON web_sessions
    FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_seen_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_seen_at'))
    EXECUTE FUNCTION latchkey_web_session_changed();
CREATE TRIGGER web_sessions_deleted AFTER DELETE ON web_sessions
    FOR EACH ROW EXECUTE FUNCTION latchkey_web_session_changed();

CREATE TRIGGER api_keys_issued AFTER INSERT ON api_keys
    FOR EACH ROW EXECUTE FUNCTION latchkey_key_issued();

DROP TRIGGER users_changed ON users;
CREATE TRIGGER users_changed AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier OR OLD.is_active IS DISTINCT FROM NEW.is_active
                       OR OLD.is_staff IS DISTINCT FROM NEW.is_staff OR OLD.password IS DISTINCT FROM NEW.password
                       OR OLD.username IS DISTINCT FROM NEW.username OR OLD.email IS DISTINCT FROM NEW.email
                       OR OLD.mfa_secret IS DISTINCT FROM NEW.mfa_secret)
    EXECUTE FUNCTION latchkey_user_changed();

CREATE TRIGGER organisations_renamed AFTER UPDATE OF slug, name ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_service_changed();
CREATE TRIGGER teams_renamed AFTER UPDATE OF slug, name ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_service_changed();
