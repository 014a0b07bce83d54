-- Key events that no request causes (SPEC §14): `key.expiring` (7 days and 1 day before
-- `expires_at`), `key.expired` (once past it), and `key.blocked` (written by the key policy's
-- change, `Tenancy.setKeyPolicy`). Each is an audit event, so the webhook trigger of 0022 writes
-- its outbox rows in the same statement.
--
-- `key_notices` holds the notices already given, one row per key and notice: the periodic scan
-- (`Events.KeyNoticeScanner`, run by every instance) inserts with ON CONFLICT DO NOTHING and audits
-- only the rows it inserted, so two instances scanning at once announce each notice once.
CREATE TABLE key_notices (
    key_id   uuid        NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    notice   text        NOT NULL CHECK (notice IN ('expiring_7d', 'expiring_1d', 'expired')),
    given_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, notice)
);

-- The scan reads live keys of an organisation or team near or just past their expiry.
CREATE INDEX api_keys_expiry_scan ON api_keys (expires_at)
    WHERE expires_at IS NOT NULL AND revoked_at IS NULL AND (organisation_id IS NOT NULL OR team_id IS NOT NULL);

-- Keys that expired before this migration are old news: nothing is announced for them.
INSERT INTO key_notices (key_id, notice)
SELECT id, 'expired' FROM api_keys WHERE expires_at <= now()
ON CONFLICT DO NOTHING;

-- The audited actions sent as webhooks: those of 0022 (and of any later migration that replaced
-- the function before this one, kept as `latchkey_webhook_type_0022`), and the three above. The
-- trigger is made again because its WHEN clause holds the function it was created with.
ALTER FUNCTION latchkey_webhook_type(text) RENAME TO latchkey_webhook_type_0022;

CREATE FUNCTION latchkey_webhook_type(action text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE action
        WHEN 'key.expiring' THEN 'key.expiring'
        WHEN 'key.expired' THEN 'key.expired'
        WHEN 'key.blocked' THEN 'key.blocked'
        ELSE latchkey_webhook_type_0022(action)
    END
$$;

DROP TRIGGER audit_events_webhooks ON audit_events;
CREATE TRIGGER audit_events_webhooks AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (latchkey_webhook_type(NEW.action) IS NOT NULL)
    EXECUTE FUNCTION latchkey_webhook_outbox();
