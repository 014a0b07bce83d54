-- The datasets plugin: option lists shared globally, per organisation, per team or per user.

CREATE TABLE datasets (
    key             text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9_-]*$'),
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    category        text NOT NULL DEFAULT 'user_created'
                    CHECK (category IN ('nhs_dd', 'external_api', 'user_created', 'rcpch', 'snomed')),
    is_global       boolean NOT NULL DEFAULT false,
    organisation_id bigint REFERENCES organisations (id) ON DELETE CASCADE,
    team_id         bigint REFERENCES teams (id) ON DELETE CASCADE,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    options         text[] NOT NULL DEFAULT '{}',
    tags            text[] NOT NULL DEFAULT '{}',
    version         integer NOT NULL DEFAULT 1,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_organisation ON datasets (organisation_id);
CREATE INDEX datasets_team ON datasets (team_id);
CREATE INDEX datasets_tags ON datasets USING gin (tags);
