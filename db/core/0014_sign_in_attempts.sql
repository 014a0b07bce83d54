-- Sign-in hardening (SPEC §10, issue #34). An attempt is counted as a failure before it is
-- judged, in one step with the lock check (under a per-account advisory lock); an attempt that
-- proves right takes its own row back, by this id. A completed sign-in deletes the failures up
-- to its own.
ALTER TABLE sign_in_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
ALTER TABLE unknown_sign_in_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;

-- name_hash is now an HMAC of the lower-cased name under a key derived from LATCHKEY_SECRET_KEY
-- (a plain SHA-256 of a password typed into the username field could be tried offline). Rows
-- hashed the old way stop counting, as all rows do after 30 minutes.
COMMENT ON COLUMN unknown_sign_in_failures.name_hash IS 'HMAC-SHA256 (derived MAC key) of the lower-cased name';

-- Recovery codes are stored as HMAC-SHA256 under a key derived from LATCHKEY_SECRET_KEY; rows
-- stored before as the plain SHA-256 are still accepted, once.
COMMENT ON COLUMN mfa_recovery_codes.code_hash IS 'HMAC-SHA256 (derived code-hashing key) of the code; older rows: SHA-256';
COMMENT ON COLUMN web_sessions.pending_recovery IS 'hex HMAC-SHA256 (derived code-hashing key) of each code shown';
