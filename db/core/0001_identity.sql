-- Users, organisations, teams and their memberships (SPEC §1).

CREATE TABLE users (
    id                  bigserial PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username <> ''),
    email               text NOT NULL CHECK (email <> ''),
    first_name          text NOT NULL DEFAULT '',
    last_name           text NOT NULL DEFAULT '',
    -- scrypt$log2N$r$p$salt$hash, or NULL for an account that cannot log in with a password.
    password            text,
    tier                text NOT NULL DEFAULT 'free'
                        CHECK (tier IN ('free', 'pro', 'team', 'organisation', 'enterprise')),
    is_active           boolean NOT NULL DEFAULT true,
    is_staff            boolean NOT NULL DEFAULT false,
    mfa_secret          text,
    password_changed_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));

CREATE TABLE organisations (
    id         bigserial PRIMARY KEY,
    slug       text NOT NULL UNIQUE CHECK (slug <> ''),
    name       text NOT NULL,
    owner_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organisations_owner ON organisations (owner_id);

CREATE TABLE organisation_memberships (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('admin', 'creator', 'viewer')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, user_id)
);
CREATE INDEX organisation_memberships_user ON organisation_memberships (user_id);

CREATE TABLE teams (
    id              bigserial PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug <> ''),
    name            text NOT NULL,
    organisation_id bigint REFERENCES organisations (id) ON DELETE CASCADE,
    size            text NOT NULL DEFAULT 'small' CHECK (size IN ('small', 'medium', 'large')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_organisation ON teams (organisation_id);

CREATE TABLE team_memberships (
    id         bigserial PRIMARY KEY,
    team_id    bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('admin', 'creator', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, user_id)
);
CREATE INDEX team_memberships_user ON team_memberships (user_id);
