-- Metadata an issuer attaches to a key (SPEC §15): a JSON object of at most 4 KiB, kept as given
-- (`json`, not `jsonb`: the text the issuer sent, key order and all), returned by verify and the
-- presenting key, never interpreted. A roll copies it.
ALTER TABLE api_keys ADD COLUMN meta json
    CHECK (meta IS NULL OR (json_typeof(meta) = 'object' AND octet_length(meta::text) <= 4096));
