-- The surveys plugin: surveys, their members and (answer-free) responses.

CREATE TABLE surveys (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL,
    slug            text NOT NULL UNIQUE CHECK (slug <> ''),
    description     text NOT NULL DEFAULT '',
    owner_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id bigint REFERENCES organisations (id) ON DELETE SET NULL,
    team_id         bigint REFERENCES teams (id) ON DELETE SET NULL,
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'closed')),
    start_at        timestamptz,
    end_at          timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX surveys_owner ON surveys (owner_id);
CREATE INDEX surveys_organisation ON surveys (organisation_id);
CREATE INDEX surveys_team ON surveys (team_id);

CREATE TABLE survey_memberships (
    id         bigserial PRIMARY KEY,
    survey_id  bigint NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('creator', 'editor', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (survey_id, user_id)
);
CREATE INDEX survey_memberships_user ON survey_memberships (user_id);

CREATE TABLE survey_responses (
    id           bigserial PRIMARY KEY,
    survey_id    bigint NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    submitted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_responses_survey_time ON survey_responses (survey_id, submitted_at);
