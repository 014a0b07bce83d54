-- Organisation key policy (SPEC §14): at most one row per organisation; no row is the empty
-- policy (nothing required, any capability). `max_capabilities` NULL: any capability.
CREATE TABLE key_policies (
    organisation_id       bigint      PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    max_lifetime_days     integer     CHECK (max_lifetime_days BETWEEN 1 AND 3650),
    require_expiry        boolean     NOT NULL DEFAULT false,
    require_allowed_cidrs boolean     NOT NULL DEFAULT false,
    max_capabilities      text[]      CHECK (max_capabilities <@ ARRAY['view', 'add', 'edit', 'delete', 'superuser']),
    require_approval      boolean     NOT NULL DEFAULT false,
    require_passkey       boolean     NOT NULL DEFAULT false,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- Verification reads the policy with the key (one query), so every instance's cache must hear a
-- change at once, whoever writes it: a policy changes rarely, so every cached credential goes
-- ('all', as for service credentials).
CREATE FUNCTION latchkey_key_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('latchkey_keys', 'all');
    RETURN NULL;
END $$;

CREATE TRIGGER key_policies_changed AFTER INSERT OR UPDATE OR DELETE ON key_policies
    FOR EACH ROW EXECUTE FUNCTION latchkey_key_policy_changed();
