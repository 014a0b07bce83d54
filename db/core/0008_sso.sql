-- Enterprise SSO token exchange (SPEC §11): the OpenID Connect issuers an organisation trusts,
-- and the ID tokens already exchanged (each works once).

CREATE TABLE sso_trusts (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    issuer           text NOT NULL CHECK (issuer <> '' AND length(issuer) <= 2048),
    audience         text NOT NULL CHECK (audience <> '' AND length(audience) <= 2048),
    -- The signing keys: a JWKS document, or the https URL it is fetched from.
    jwks             text,
    jwks_url         text,
    capabilities     text[] NOT NULL DEFAULT '{view}'
                     CHECK (capabilities <@ '{view,add,edit,delete}' AND cardinality(capabilities) > 0),
    key_ttl_seconds  integer NOT NULL DEFAULT 43200 CHECK (key_ttl_seconds BETWEEN 60 AND 604800),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((jwks IS NULL) <> (jwks_url IS NULL)),
    UNIQUE (organisation_id, issuer)
);
CREATE INDEX sso_trusts_issuer ON sso_trusts (issuer);

-- SHA-256 of each exchanged token's `jti` (with its issuer), or of the token without one,
-- kept until the token could no longer be used anyway.
CREATE TABLE sso_exchanged_tokens (
    token_hash  bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX sso_exchanged_tokens_expiry ON sso_exchanged_tokens (expires_at);
