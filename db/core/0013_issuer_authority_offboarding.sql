-- Issuer authority and offboarding (SPEC §2).
--
-- A key issued by a team admin is confined to that team (`team_id`), as one issued by an
-- organisation admin is confined to the organisation (`organisation_id`); never both.
--
-- When a membership ends — by the directory, the command line, an operator's SQL or any other
-- writer — the keys confined there are revoked in the same transaction (reason
-- `membership_ended`) with the sessions made from them, and the end is audited in that
-- organisation (`membership_ended`). The key triggers of 0004 then tell every instance.
-- Deactivating a user ends every confined key of theirs the same way.

ALTER TABLE api_keys ADD COLUMN team_id bigint REFERENCES teams (id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_one_confinement CHECK (organisation_id IS NULL OR team_id IS NULL);
CREATE INDEX api_keys_team ON api_keys (team_id) WHERE team_id IS NOT NULL;

-- Keys issued before this rule by someone else (not staff) outside any organisation reached
-- wherever their user's roles reached. Confine each to the one team, or else the one
-- organisation, through which its issuer had authority over its user (with `view` only, as
-- before: capabilities beyond it never applied outside an organisation); revoke the rest.
WITH authority AS (
    SELECT k.id,
           ARRAY(SELECT tm.team_id FROM team_memberships tm
                 JOIN team_memberships ia ON ia.team_id = tm.team_id AND ia.user_id = k.created_by AND ia.role = 'admin'
                 WHERE tm.user_id = k.user_id) AS teams,
           ARRAY(SELECT om.organisation_id FROM organisation_memberships om
                 WHERE om.user_id = k.user_id
                   AND (EXISTS (SELECT 1 FROM organisation_memberships a
                                WHERE a.organisation_id = om.organisation_id AND a.user_id = k.created_by AND a.role = 'admin')
                        OR EXISTS (SELECT 1 FROM organisations o WHERE o.id = om.organisation_id AND o.owner_id = k.created_by))) AS organisations
    FROM api_keys k JOIN users issuer ON issuer.id = k.created_by
    WHERE k.organisation_id IS NULL AND k.created_by <> k.user_id AND NOT issuer.is_staff AND k.revoked_at IS NULL
)
UPDATE api_keys k SET
    team_id = CASE WHEN cardinality(a.teams) = 1 THEN a.teams[1] END,
    organisation_id = CASE WHEN cardinality(a.teams) <> 1 AND cardinality(a.organisations) = 1 THEN a.organisations[1] END,
    capabilities = '{view}',
    revoked_at = CASE WHEN cardinality(a.teams) <> 1 AND cardinality(a.organisations) <> 1 THEN now() END,
    revoke_reason = CASE WHEN cardinality(a.teams) <> 1 AND cardinality(a.organisations) <> 1 THEN 'issuer_authority' END,
    updated_at = now()
FROM authority a WHERE a.id = k.id;

-- Revokes the user's keys confined to `organisation` (or to `team`; with neither: every
-- confined key of the user) and their sessions; returns them with the organisation each
-- belongs to (a team's organisation for a team key, possibly none).
CREATE FUNCTION latchkey_end_confined_keys(p_user bigint, p_organisation bigint, p_team bigint)
RETURNS TABLE (key_id uuid, organisation_id bigint) LANGUAGE sql AS $$
    WITH ended AS (
        UPDATE api_keys k SET revoked_at = now(), revoke_reason = 'membership_ended', updated_at = now()
        WHERE k.user_id = p_user AND k.revoked_at IS NULL
          AND CASE WHEN p_organisation IS NOT NULL THEN k.organisation_id = p_organisation
                   WHEN p_team IS NOT NULL THEN k.team_id = p_team
                   ELSE k.organisation_id IS NOT NULL OR k.team_id IS NOT NULL END
        RETURNING k.id, k.organisation_id, k.team_id),
    sessions AS (
        UPDATE session_tokens s SET revoked_at = now(), updated_at = now()
        WHERE s.revoked_at IS NULL AND s.api_key_id IN (SELECT id FROM ended))
    SELECT e.id, coalesce(e.organisation_id, (SELECT t.organisation_id FROM teams t WHERE t.id = e.team_id)) FROM ended e
$$;

CREATE FUNCTION latchkey_membership_ended() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_organisation bigint;
    v_keys jsonb;
    v_detail jsonb;
BEGIN
    IF TG_TABLE_NAME = 'organisation_memberships' THEN
        v_organisation := OLD.organisation_id;
        -- The owner stays a member of the organisation they own.
        IF EXISTS (SELECT 1 FROM organisations o WHERE o.id = v_organisation AND o.owner_id = OLD.user_id) THEN
            RETURN NULL;
        END IF;
        SELECT coalesce(jsonb_agg(e.key_id), '[]') INTO v_keys FROM latchkey_end_confined_keys(OLD.user_id, v_organisation, NULL) e;
        v_detail := '{}';
    ELSE
        v_detail := jsonb_build_object('team', to_jsonb(OLD) -> 'team_id');
        SELECT t.organisation_id INTO v_organisation FROM teams t WHERE t.id = (v_detail ->> 'team')::bigint;
        SELECT coalesce(jsonb_agg(e.key_id), '[]') INTO v_keys
        FROM latchkey_end_confined_keys(OLD.user_id, NULL, (v_detail ->> 'team')::bigint) e;
    END IF;
    -- Not when the organisation itself is being deleted (its audit log goes with it).
    IF v_organisation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = v_organisation) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
    VALUES (NULL, v_organisation, 'membership_ended', 'user:' || OLD.user_id,
            jsonb_build_object('user', OLD.user_id, 'revoked_keys', jsonb_array_length(v_keys), 'keys', v_keys) || v_detail);
    RETURN NULL;
END $$;

CREATE TRIGGER organisation_memberships_ended AFTER DELETE ON organisation_memberships
    FOR EACH ROW EXECUTE FUNCTION latchkey_membership_ended();
CREATE TRIGGER team_memberships_ended AFTER DELETE ON team_memberships
    FOR EACH ROW EXECUTE FUNCTION latchkey_membership_ended();

-- An owner who is given up ownership and holds no membership leaves the organisation.
CREATE FUNCTION latchkey_ownership_ended() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_keys jsonb;
BEGIN
    IF EXISTS (SELECT 1 FROM organisation_memberships m WHERE m.organisation_id = OLD.id AND m.user_id = OLD.owner_id) THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(jsonb_agg(e.key_id), '[]') INTO v_keys FROM latchkey_end_confined_keys(OLD.owner_id, OLD.id, NULL) e;
    INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
    VALUES (NULL, OLD.id, 'membership_ended', 'user:' || OLD.owner_id,
            jsonb_build_object('user', OLD.owner_id, 'revoked_keys', jsonb_array_length(v_keys), 'keys', v_keys, 'owner', true));
    RETURN NULL;
END $$;

CREATE TRIGGER organisations_ownership_ended AFTER UPDATE OF owner_id ON organisations
    FOR EACH ROW WHEN (OLD.owner_id IS NOT NULL AND OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION latchkey_ownership_ended();

-- A deactivated user's memberships no longer act: every confined key ends, audited in each
-- organisation concerned.
CREATE FUNCTION latchkey_user_deactivated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
    SELECT NULL, e.organisation_id, 'membership_ended', 'user:' || NEW.id,
           jsonb_build_object('user', NEW.id, 'revoked_keys', count(*), 'keys', jsonb_agg(e.key_id), 'deactivated', true)
    FROM latchkey_end_confined_keys(NEW.id, NULL, NULL) e GROUP BY e.organisation_id;
    RETURN NULL;
END $$;

CREATE TRIGGER users_deactivated AFTER UPDATE OF is_active ON users
    FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
    EXECUTE FUNCTION latchkey_user_deactivated();
