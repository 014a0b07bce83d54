import PluginKit
import Postgres

/// The surveys plugin's writes: each one statement plus its audit event, in one transaction.
extension SurveyRepository {
    /// Creates a survey owned by the actor; audited as `survey.created`.
    func insert(_ draft: SurveyDraft, by actor: WriteActor) async throws -> SurveyRecord {
        try await pool.write(announcing: changes, duplicate: Self.duplicate(draft)) { connection in
            let rows = try await connection.query("""
                WITH s AS (
                    INSERT INTO surveys (name, slug, description, owner_id, organisation_id, team_id, status, start_at, end_at)
                    VALUES (\(draft.name), \(draft.slug), \(draft.description), \(actor.user.userID), \(draft.organisationID),
                            \(draft.teamID), \(draft.status.rawValue), \(draft.startAt), \(draft.endAt))
                    RETURNING *)
                SELECT \(SurveyRecord.columns) FROM s LEFT JOIN organisations o ON o.id = s.organisation_id
                """)
            let survey = try SurveyRecord(row: rows[0], from: 0)
            try await actor.audit("survey.created", organisation: survey.organisationID, target: "survey:\(survey.id)",
                                  detail: ["slug": survey.slug], on: connection)
            return survey
        }
    }

    /// Replaces the writable fields of survey `id`; audited as `survey.updated`. `nil` when it
    /// no longer exists.
    func update(id: Int64, to draft: SurveyDraft, by actor: WriteActor) async throws -> SurveyRecord? {
        try await pool.write(announcing: changes, duplicate: Self.duplicate(draft)) { connection in
            let rows = try await connection.query("""
                WITH s AS (
                    UPDATE surveys SET name = \(draft.name), slug = \(draft.slug), description = \(draft.description),
                        organisation_id = \(draft.organisationID), team_id = \(draft.teamID), status = \(draft.status.rawValue),
                        start_at = \(draft.startAt), end_at = \(draft.endAt), updated_at = now()
                    WHERE id = \(id)
                    RETURNING *)
                SELECT \(SurveyRecord.columns) FROM s LEFT JOIN organisations o ON o.id = s.organisation_id
                """)
            guard let row = rows.first else { return nil }
            let survey = try SurveyRecord(row: row, from: 0)
            try await actor.audit("survey.updated", organisation: survey.organisationID, target: "survey:\(survey.id)",
                                  detail: ["slug": survey.slug], on: connection)
            return survey
        }
    }

    /// Deletes survey `id` with its memberships and responses; audited as `survey.deleted`.
    func delete(_ survey: SurveyRecord, by actor: WriteActor) async throws {
        try await pool.write(announcing: changes) { connection in
            try await connection.execute("DELETE FROM surveys WHERE id = \(survey.id)")
            try await actor.audit("survey.deleted", organisation: survey.organisationID, target: "survey:\(survey.id)",
                                  detail: ["slug": survey.slug], on: connection)
        }
    }

    /// A duplicate slug is a 400.
    private static func duplicate(_ draft: SurveyDraft) -> (PGError) -> APIError {
        { _ in JSONBody.invalid("'slug': a survey with slug '\(draft.slug)' already exists") }
    }
}
