-- A key event's `data` is the key's metadata as `GET /api/keys/current/` shows it (SPEC §14): it
-- lacked `last_used_at`. The function of 0022 again, with that field; nothing else changes.
CREATE OR REPLACE FUNCTION latchkey_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_type text := latchkey_webhook_type(NEW.action);
    v_data jsonb;
    v_id text := 'msg_' || replace(gen_random_uuid()::text, '-', '');
    v_key uuid;
    v_organisation bigint := NEW.organisation_id;
BEGIN
    IF v_type IS NULL THEN
        RETURN NULL;
    END IF;
    IF v_type LIKE 'key.%' AND NEW.target ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        v_key := NEW.target::uuid;
    END IF;
    -- A team-confined key's revocation or roll is audited without an organisation: its team's.
    IF v_organisation IS NULL AND v_key IS NOT NULL THEN
        SELECT t.organisation_id INTO v_organisation FROM api_keys k JOIN teams t ON t.id = k.team_id WHERE k.id = v_key;
    END IF;
    IF v_organisation IS NULL OR NOT EXISTS (
        SELECT 1 FROM webhook_endpoints e WHERE e.organisation_id = v_organisation AND e.enabled AND v_type = ANY (e.events)) THEN
        RETURN NULL;
    END IF;
    IF v_key IS NOT NULL THEN
        SELECT jsonb_build_object(
                   'id', k.id, 'name', k.name, 'prefix', k.prefix, 'last4', k.last4,
                   'organisation', v_organisation, 'team', k.team_id, 'capabilities', to_jsonb(k.capabilities),
                   'created_at', latchkey_rfc3339(k.created_at), 'expires_at', latchkey_rfc3339(k.expires_at),
                   'last_used_at', latchkey_rfc3339(k.last_used_at),
                   'revoked_at', latchkey_rfc3339(k.revoked_at), 'revoke_reason', k.revoke_reason,
                   'allowed_cidrs', to_jsonb(k.allowed_cidrs), 'rolled_to', k.rolled_to, 'rate_limit', k.rate_limit,
                   'permissions', k.permissions, 'resources', k.resources, 'meta', k.meta::jsonb)
        INTO v_data
        FROM api_keys k WHERE k.id = v_key;
    END IF;
    IF v_data IS NULL THEN
        v_data := NEW.detail || jsonb_build_object('organisation', v_organisation, 'target', NEW.target);
    END IF;
    INSERT INTO webhook_outbox (endpoint_id, event_id, type, payload)
    SELECT e.id, v_id, v_type, jsonb_build_object('type', v_type, 'timestamp', latchkey_rfc3339(NEW.at), 'data', v_data)::text
    FROM webhook_endpoints e
    WHERE e.organisation_id = v_organisation AND e.enabled AND v_type = ANY (e.events);
    RETURN NULL;
END $$;
