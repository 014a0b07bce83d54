-- Rolling keys (SPEC §2): the key that replaced this one. A key is rolled at most once.
ALTER TABLE api_keys ADD COLUMN rolled_to uuid REFERENCES api_keys (id) ON DELETE SET NULL;
