-- Passkeys (SPEC §10, WebAuthn Level 2): a user's credentials, the challenges of ceremonies in
-- progress, and how each browser session's second factor was proved (for require_passkey, §14).

-- The opaque user handle passkeys carry is not stored: it is an HMAC of the user's id under the
-- deployment's MAC key (Accounts, WebSessions.userHandle).

-- A passkey: its credential id (unique across all users) and COSE public key (no private
-- material ever reaches the server), the last signature counter, and the name its user gave.
CREATE TABLE passkeys (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id bytea NOT NULL UNIQUE CHECK (octet_length(credential_id) BETWEEN 1 AND 1023),
    public_key    bytea NOT NULL CHECK (octet_length(public_key) <= 2048),
    sign_count    bigint NOT NULL DEFAULT 0 CHECK (sign_count BETWEEN 0 AND 4294967295),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- A challenge handed to a browser: stored only as its HMAC under the deployment's MAC key,
-- single use (deleted when answered) and short-lived. `register` and `second_factor` belong to
-- a browser session; `sign_in` (passwordless) to none.
CREATE TABLE passkey_challenges (
    challenge_mac  bytea PRIMARY KEY CHECK (octet_length(challenge_mac) = 32),
    purpose        text NOT NULL CHECK (purpose IN ('register', 'second_factor', 'sign_in')),
    web_session_id bigint REFERENCES web_sessions (id) ON DELETE CASCADE,
    expires_at     timestamptz NOT NULL,
    CHECK ((purpose = 'sign_in') = (web_session_id IS NULL))
);
CREATE INDEX passkey_challenges_expiry ON passkey_challenges (expires_at);

-- How the session's second factor was proved: totp, recovery_code, enrolment or passkey.
ALTER TABLE web_sessions ADD COLUMN mfa_method text;

-- The console caches sessions with whether their user has passkeys: adding or removing one
-- is a change to the user's sessions (0006).
CREATE FUNCTION latchkey_passkeys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'user:' || COALESCE(NEW.user_id, OLD.user_id));
    RETURN NULL;
END $$;

CREATE TRIGGER passkeys_changed AFTER INSERT OR DELETE ON passkeys
    FOR EACH ROW EXECUTE FUNCTION latchkey_passkeys_changed();
