-- A key's own rate limit (SPEC §15), set by its issuer: `N/sec`, `N/min` or `N/hour`; it replaces
-- the authenticated rate for that key, counted for the whole deployment like every limit (§7).
-- A roll copies it.
ALTER TABLE api_keys ADD COLUMN rate_limit text
    CHECK (rate_limit IS NULL OR rate_limit ~ '^[1-9][0-9]{0,8}/(sec|min|hour)$');
