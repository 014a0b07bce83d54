-- Failed sign-ins under a name that is nobody's (SPEC §10) count like an account's: after five
-- within 15 minutes that name is answered "locked" too, so the lock does not tell which names
-- are accounts. Kept as the SHA-256 of the lower-cased name (a password typed into the username
-- field must not be stored), and forgotten after 30 minutes, when it can no longer matter.
CREATE TABLE unknown_sign_in_failures (
    name_hash bytea NOT NULL CHECK (octet_length(name_hash) = 32),
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unknown_sign_in_failures_name_at ON unknown_sign_in_failures (name_hash, at);
CREATE INDEX unknown_sign_in_failures_at ON unknown_sign_in_failures (at);
