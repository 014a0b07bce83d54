-- Usage analytics (SPEC §13): every use of a known key, counted per instance in memory and
-- flushed as one row per key, hour and outcome (adding to the row when it exists). Partitioned
-- by month, so retention drops whole partitions (`key_usage_maintain`) instead of deleting rows.
CREATE TABLE key_usage (
    key_id  uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    hour    timestamptz NOT NULL,
    outcome text        NOT NULL CHECK (outcome IN ('valid', 'expired', 'revoked', 'blocked', 'ip_not_allowed', 'rate_limited', 'denied')),
    count   bigint      NOT NULL CHECK (count > 0),
    PRIMARY KEY (key_id, hour, outcome) INCLUDE (count)
) PARTITION BY RANGE (hour);

-- The most recent distinct client addresses of each key (the flush keeps ten).
CREATE TABLE key_usage_addresses (
    key_id    uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    ip        text        NOT NULL,
    last_seen timestamptz NOT NULL,
    PRIMARY KEY (key_id, ip)
);

-- Creates the partitions of `at`'s month (UTC) and of the `months_ahead` months after it, and
-- drops every partition whose month ended more than `retention_days` before `at` (none when
-- `retention_days` is NULL). Instances run it at start and hourly; the advisory lock lets one
-- at a time change the partitions.
CREATE FUNCTION key_usage_maintain(at timestamptz, months_ahead integer, retention_days integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    first_month timestamp := date_trunc('month', at AT TIME ZONE 'UTC');
    month timestamp;
    old record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('latchkey.key_usage'));
    FOR i IN 0..months_ahead LOOP
        month := first_month + make_interval(months => i);
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF key_usage FOR VALUES FROM (%L) TO (%L)',
                       'key_usage_' || to_char(month, 'YYYY_MM'),
                       month AT TIME ZONE 'UTC', (month + interval '1 month') AT TIME ZONE 'UTC');
    END LOOP;
    IF retention_days IS NULL THEN RETURN; END IF;
    FOR old IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'key_usage'::regclass AND c.relname ~ '^key_usage_[0-9]{4}_[0-9]{2}$'
          AND to_date(substr(c.relname, 11), 'YYYY_MM') + interval '1 month'
              <= (at AT TIME ZONE 'UTC') - make_interval(days => retention_days)
    LOOP
        EXECUTE format('DROP TABLE %I', old.relname);
    END LOOP;
END
$$;

SELECT key_usage_maintain(now(), 2, NULL);
