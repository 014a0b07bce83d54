-- Key requests (SPEC §14 "Key requests"): under `require_approval`, a member who is not an admin
-- asks for a key; an admin approves or denies it (with a note); after approval the requester
-- collects the key, issued then through the ordinary issuance (so the raw key is never stored,
-- not even while waiting). A request can be acted on for 7 days (`expires_at`); the status
-- `expired` is that reading of a pending or approved row past it (nothing needs to sweep).
CREATE TABLE key_requests (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id bigint      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The asked-for shape of the key: its name, expiry, capabilities and allowed addresses.
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    key_expires_at  timestamptz,
    capabilities    text[]      NOT NULL CHECK (cardinality(capabilities) >= 1
                                                AND capabilities <@ ARRAY['view', 'add', 'edit', 'delete', 'superuser']),
    allowed_cidrs   text[]      NOT NULL DEFAULT '{}'
                                CHECK (cardinality(allowed_cidrs) <= 32 AND array_position(allowed_cidrs::cidr[], NULL) IS NULL),
    reason          text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 1000),
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'denied', 'collected')),
    decided_by      bigint      REFERENCES users (id) ON DELETE SET NULL,
    note            text        CHECK (char_length(note) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    collected_at    timestamptz,
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '7 days',
    -- The key issued at collection (its metadata lives in api_keys; never the raw key).
    key_id          uuid        REFERENCES api_keys (id) ON DELETE SET NULL,
    CHECK ((status = 'collected') = (collected_at IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX key_requests_organisation ON key_requests (organisation_id, created_at DESC);
CREATE INDEX key_requests_user ON key_requests (user_id, created_at DESC);

-- The request steps are webhook events; `key.collected` is not one of its own: the collection's
-- issuance is audited `key.issued`, which is.
CREATE OR REPLACE FUNCTION latchkey_webhook_type(action text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE action
        WHEN 'key.issued' THEN 'key.issued'
        WHEN 'key.revoked' THEN 'key.revoked'
        WHEN 'key.rolled' THEN 'key.rolled'
        WHEN 'key.revoked_leak' THEN 'key.leaked'
        WHEN 'member.removed' THEN 'member.removed'
        WHEN 'policy.updated' THEN 'policy.updated'
        WHEN 'key.requested' THEN 'key.request.created'
        WHEN 'key.request_approved' THEN 'key.request.approved'
        WHEN 'key.request_denied' THEN 'key.request.denied'
    END
$$;
