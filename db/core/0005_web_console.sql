-- The web console (SPEC §10): signed-in browser sessions, MFA and sign-in lock-out.

-- A browser session: the cookie's token is stored only as its SHA-256. It is signed in after
-- the password and usable for pages once mfa_verified_at is set. While a user enrols, the
-- pending TOTP secret (sealed with LATCHKEY_SECRET_KEY) and the hashes of the recovery codes
-- shown with it wait here until the first code confirms them.
CREATE TABLE web_sessions (
    id                  bigserial PRIMARY KEY,
    user_id             bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash          bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    mfa_verified_at     timestamptz,
    pending_mfa_secret  text,
    pending_recovery    text[],  -- hex SHA-256 of each code
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz NOT NULL,
    ip                  text
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

-- users.mfa_secret holds the TOTP secret sealed (AES-256-GCM, `v1:` + base64); the last
-- accepted step makes every code usable once.
ALTER TABLE users ADD COLUMN mfa_last_step bigint;

CREATE TABLE mfa_recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Failed sign-ins: five within 15 minutes lock the account for 15 minutes.
CREATE TABLE sign_in_failures (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_user_at ON sign_in_failures (user_id, at);
