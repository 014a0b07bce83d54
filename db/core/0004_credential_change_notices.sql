-- Every writer is heard (SPEC §2): a change to keys, service credentials or the user fields a
-- verified key depends on, made by anyone (this instance, another one, an operator's SQL,
-- another service), sends `NOTIFY latchkey_keys` on commit, and every instance evicts.
--
-- 'user:<id>': that user's cached keys are re-read. 'all': every cached credential is.
-- Usage bookkeeping (`last_used_at`, `updated_at`) alone announces nothing.

CREATE FUNCTION latchkey_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('latchkey_keys', 'user:' || OLD.user_id); END IF;
    IF TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id THEN PERFORM pg_notify('latchkey_keys', 'user:' || NEW.user_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION latchkey_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'user:' || OLD.id);
    RETURN NULL;
END $$;

CREATE FUNCTION latchkey_service_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'all');
    RETURN NULL;
END $$;

-- Anything but usage bookkeeping, so a column added later is covered without touching this.
CREATE FUNCTION latchkey_beyond_usage(old_row jsonb, new_row jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT (old_row - 'last_used_at' - 'updated_at') IS DISTINCT FROM (new_row - 'last_used_at' - 'updated_at')
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys
    FOR EACH ROW WHEN (latchkey_beyond_usage(to_jsonb(OLD), to_jsonb(NEW)))
    EXECUTE FUNCTION latchkey_key_changed();
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION latchkey_key_changed();

CREATE TRIGGER users_changed AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier OR OLD.is_active IS DISTINCT FROM NEW.is_active
                       OR OLD.is_staff IS DISTINCT FROM NEW.is_staff OR OLD.password IS DISTINCT FROM NEW.password
                       OR OLD.username IS DISTINCT FROM NEW.username)
    EXECUTE FUNCTION latchkey_user_changed();
CREATE TRIGGER users_deleted AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION latchkey_user_changed();

CREATE TRIGGER service_credentials_changed AFTER UPDATE ON service_credentials
    FOR EACH ROW WHEN (latchkey_beyond_usage(to_jsonb(OLD), to_jsonb(NEW)))
    EXECUTE FUNCTION latchkey_service_changed();
CREATE TRIGGER service_credentials_deleted AFTER DELETE ON service_credentials
    FOR EACH ROW EXECUTE FUNCTION latchkey_service_changed();
