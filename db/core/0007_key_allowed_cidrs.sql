-- IP allowlists (SPEC §2): a key may be used only from these ranges (canonical CIDR text, at
-- most 32; empty: from anywhere). The vault validates and normalises them; PostgreSQL's `cidr`
-- type checks them again.
ALTER TABLE api_keys ADD COLUMN allowed_cidrs text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(allowed_cidrs) <= 32 AND array_position(allowed_cidrs::cidr[], NULL) IS NULL);
