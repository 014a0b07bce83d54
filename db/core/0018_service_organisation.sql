-- Tenant-scoped service credentials (SPEC §6, issue #33): a credential issued with `--org` speaks
-- for that organisation's backend only; without one (NULL) it stays deployment-wide. Removing the
-- organisation removes its credentials, and the delete trigger of 0004 evicts them everywhere.
ALTER TABLE service_credentials ADD COLUMN organisation_id bigint REFERENCES organisations (id) ON DELETE CASCADE;
CREATE INDEX service_credentials_organisation ON service_credentials (organisation_id) WHERE organisation_id IS NOT NULL;

-- A verified key remembers its team's organisation (what a scoped service judges a team-confined
-- key by), so a team moved to another organisation evicts every cached credential.
CREATE TRIGGER teams_organisation_keys AFTER UPDATE OF organisation_id ON teams
    FOR EACH ROW WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION latchkey_service_changed();
