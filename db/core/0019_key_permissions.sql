-- Fine-grained keys (SPEC §15): `permissions` names the verbs a key holds per resource type
-- (`{"surveys":["view","edit"]}`) and `resources` the objects of a type it is limited to
-- (`{"surveys":[12,40]}`, integer ids). NULL permissions: the key's `capabilities` apply to every
-- type; with permissions, `capabilities` holds the union of their verbs. A roll copies both.
ALTER TABLE api_keys
    ADD COLUMN permissions jsonb CHECK (permissions IS NULL OR jsonb_typeof(permissions) = 'object'),
    ADD COLUMN resources jsonb CHECK (resources IS NULL OR (jsonb_typeof(resources) = 'object' AND permissions IS NOT NULL));
