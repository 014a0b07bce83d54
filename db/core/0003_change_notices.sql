-- Change notices for in-memory caches on every instance (delivered on commit).
--
-- `latchkey_keys` 'user:<id>': a user's memberships or owned organisations changed, so cached
-- keys of that user (whose principal holds them) are re-read. `latchkey_data` '<table>': rows
-- that resource reads depend on changed, so cached reads are dropped.

CREATE FUNCTION latchkey_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_data', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE FUNCTION latchkey_member_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('latchkey_keys', 'user:' || OLD.user_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('latchkey_keys', 'user:' || NEW.user_id); END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION latchkey_owner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.owner_id IS NOT NULL THEN PERFORM pg_notify('latchkey_keys', 'user:' || OLD.owner_id); END IF;
    IF TG_OP <> 'DELETE' AND NEW.owner_id IS NOT NULL THEN PERFORM pg_notify('latchkey_keys', 'user:' || NEW.owner_id); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER organisation_memberships_keys AFTER INSERT OR UPDATE OR DELETE ON organisation_memberships
    FOR EACH ROW EXECUTE FUNCTION latchkey_member_changed();
CREATE TRIGGER team_memberships_keys AFTER INSERT OR UPDATE OR DELETE ON team_memberships
    FOR EACH ROW EXECUTE FUNCTION latchkey_member_changed();
CREATE TRIGGER organisations_owner_keys AFTER INSERT OR UPDATE OF owner_id OR DELETE ON organisations
    FOR EACH ROW EXECUTE FUNCTION latchkey_owner_changed();

CREATE TRIGGER organisations_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
CREATE TRIGGER teams_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON teams
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
CREATE TRIGGER organisation_memberships_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisation_memberships
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
CREATE TRIGGER team_memberships_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team_memberships
    FOR EACH STATEMENT EXECUTE FUNCTION latchkey_data_changed();
