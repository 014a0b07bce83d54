-- Webhooks (SPEC §14): an organisation's endpoints, the outbox of events still to send to them,
-- and the last deliveries. Events are written by a trigger on `audit_events`, so an outbox row is
-- inserted in the very transaction (and statement) of the audited change, whoever makes it — any
-- instance, the command line, or a database trigger that audits. `Events` owns delivery.

CREATE TABLE webhook_endpoints (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id bigint      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    url             text        NOT NULL CHECK (url ~ '^https?://' AND octet_length(url) <= 2048),
    events          text[]      NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 32),
    -- `whsec_…`, sealed with the deployment's SecretBox (purpose `webhook_endpoints.secret`).
    secret          text        NOT NULL,
    enabled         boolean     NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz
);
CREATE INDEX webhook_endpoints_organisation ON webhook_endpoints (organisation_id) WHERE enabled;

-- One row per event and endpoint; `event_id` is the `webhook-id`, the same on every attempt.
-- `claimed_until` is the lease of the instance sending it; `payload` the exact bytes signed.
CREATE TABLE webhook_outbox (
    id              bigserial   PRIMARY KEY,
    endpoint_id     uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        text        NOT NULL,
    type            text        NOT NULL,
    payload         text        NOT NULL,
    attempt         integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until   timestamptz,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Every attempt: the HTTP status (0 when there was no answer) and how long it took. The sender
-- keeps the last 100 per endpoint.
CREATE TABLE webhook_deliveries (
    id          bigserial   PRIMARY KEY,
    endpoint_id uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id    text        NOT NULL,
    type        text        NOT NULL,
    status      integer     NOT NULL,
    attempt     integer     NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    duration_ms integer     NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);

-- The webhook event type of an audited action; NULL: the action is not sent.
CREATE FUNCTION latchkey_webhook_type(action text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE action
        WHEN 'key.issued' THEN 'key.issued'
        WHEN 'key.revoked' THEN 'key.revoked'
        WHEN 'key.rolled' THEN 'key.rolled'
        WHEN 'key.revoked_leak' THEN 'key.leaked'
        WHEN 'member.removed' THEN 'member.removed'
        WHEN 'policy.updated' THEN 'policy.updated'
    END
$$;

-- RFC 3339 in UTC, whatever the session's time zone.
CREATE FUNCTION latchkey_rfc3339(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- After an audited action that is a webhook event of an organisation (for a key confined to a
-- team, the team's organisation): one outbox row per
-- enabled endpoint of that organisation subscribed to the type, all with one `webhook-id`.
-- For key events `data` is the key's metadata (never its hash); otherwise the audit detail.
CREATE FUNCTION latchkey_webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER audit_events_webhooks AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (latchkey_webhook_type(NEW.action) IS NOT NULL)
    EXECUTE FUNCTION latchkey_webhook_outbox();
