-- The templates plugin: question-group templates published globally or to one organisation.

CREATE TABLE question_group_templates (
    id                bigserial PRIMARY KEY,
    name              text NOT NULL,
    description       text NOT NULL DEFAULT '',
    markdown          text NOT NULL DEFAULT '',
    publication_level text NOT NULL DEFAULT 'global' CHECK (publication_level IN ('global', 'organisation')),
    publisher_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id   bigint REFERENCES organisations (id) ON DELETE CASCADE,
    attribution       jsonb NOT NULL DEFAULT '{}',
    tags              text[] NOT NULL DEFAULT '{}',
    language          text NOT NULL DEFAULT 'en',
    import_count      integer NOT NULL DEFAULT 0 CHECK (import_count >= 0),
    status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (publication_level <> 'organisation' OR organisation_id IS NOT NULL)
);
CREATE INDEX question_group_templates_organisation ON question_group_templates (organisation_id);
CREATE INDEX question_group_templates_tags ON question_group_templates USING gin (tags);
