-- The audit API (SPEC §2): an organisation's events, newest first, by action or actor, with a
-- time window. Each read walks one of these in order and stops after a page, however many
-- millions of events there are.
CREATE INDEX audit_events_organisation ON audit_events (organisation_id, at DESC, id DESC);
CREATE INDEX audit_events_organisation_action ON audit_events (organisation_id, action, at DESC, id DESC);
CREATE INDEX audit_events_organisation_actor ON audit_events (organisation_id, actor_id, at DESC, id DESC);
