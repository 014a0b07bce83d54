-- `key.revoked` for every key that ends, whoever ends it (SPEC §14 webhooks, SPEC §2 audit): a
-- password change (`password_change`, audited once as `keys.revoked_password_change`) and
-- offboarding and deactivation (`membership_ended`, audited once per organisation) revoke many keys in one
-- statement; each of those keys is now also audited `key.revoked` on its own, with the reason,
-- so the organisation's audit log shows each key's end and its webhooks hear `key.revoked` with
-- the key's metadata, as for a revocation one by one. Other revocations audit themselves.
CREATE FUNCTION latchkey_key_revoked_in_bulk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Not when the organisation itself is being deleted (its audit log goes with it).
    IF NEW.organisation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = NEW.organisation_id) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
    VALUES (CASE WHEN NEW.revoke_reason = 'password_change' THEN NEW.user_id END, NEW.organisation_id, 'key.revoked', NEW.id::text,
            jsonb_build_object('reason', NEW.revoke_reason, 'user', NEW.user_id, 'name', NEW.name, 'prefix', NEW.prefix));
    RETURN NULL;
END $$;

CREATE TRIGGER api_keys_revoked_in_bulk AFTER UPDATE OF revoked_at ON api_keys
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
                       AND NEW.revoke_reason IN ('password_change', 'membership_ended'))
    EXECUTE FUNCTION latchkey_key_revoked_in_bulk();
