-- API keys, service credentials, sessions and the audit trail (SPEC §1, §2, §5).
-- Only SHA-256 hashes of secrets are stored; `prefix` and `last4` exist for display.

CREATE TABLE api_keys (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id bigint REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (name <> ''),
    prefix          text NOT NULL,
    last4           text NOT NULL,
    hash            bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
    capabilities    text[] NOT NULL DEFAULT '{view}'
                    CHECK (capabilities <@ ARRAY['view', 'add', 'edit', 'delete', 'superuser']),
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    revoked_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    revoke_reason   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user_unrevoked ON api_keys (user_id) WHERE revoked_at IS NULL;

CREATE TABLE service_credentials (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (name <> ''),
    prefix        text NOT NULL,
    last4         text NOT NULL,
    hash          bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoke_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE session_tokens (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    csrf_token text NOT NULL,
    api_key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_tokens_key ON session_tokens (api_key_id);

CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor_id        bigint REFERENCES users (id) ON DELETE SET NULL,
    organisation_id bigint REFERENCES organisations (id) ON DELETE SET NULL,
    action          text NOT NULL,
    target          text,
    detail          jsonb NOT NULL DEFAULT '{}',
    ip              text
);
CREATE INDEX audit_events_at ON audit_events (at);
