import PluginKit
import Postgres

/// The surveys plugin's writes: each one statement plus its audit event, in one transaction.
extension SurveyRepository {
    /// The owner of the draft's organisation; 400 when its organisation or team does not exist.
    func organisationOwner(of draft: SurveyDraft) async throws -> Int64? {
        let known = try await targets(organisations: draft.organisationID.map { [$0] } ?? [], teams: draft.teamID.map { [$0] } ?? [])
        if let id = draft.organisationID, known.organisationOwners[id] == nil {
            throw JSONBody.invalid("'organisation': no organisation has id \(id)")
        }
        if let id = draft.teamID, !known.teams.contains(id) {
            throw JSONBody.invalid("'team': no team has id \(id)")
        }
        return draft.organisationID.flatMap { known.organisationOwners[$0] ?? nil }
    }

    /// Which of `organisations` exist (with their owner, `nil` for none) and which of `teams`:
    /// one query, for the decision API's `survey.create` questions.
    func targets(organisations: [Int64], teams: [Int64]) async throws -> (organisationOwners: [Int64: Int64?], teams: Set<Int64>) {
        guard !organisations.isEmpty || !teams.isEmpty else { return ([:], []) }
        let rows = try await pool.query("""
            SELECT 'o', id, owner_id FROM organisations WHERE id = ANY(\(organisations))
            UNION ALL SELECT 't', id, NULL FROM teams WHERE id = ANY(\(teams))
            """)
        var owners: [Int64: Int64?] = [:]
        var found: Set<Int64> = []
        for row in rows {
            let id = try row.decode(Int64.self, at: 1)
            if try row.decode(String.self, at: 0) == "o" { owners[id] = .some(try row.decode(Int64?.self, at: 2)) } else { found.insert(id) }
        }
        return (owners, found)
    }

    /// Creates a survey owned by the actor; audited as `survey.created`.
    func insert(_ draft: SurveyDraft, by actor: WriteActor) async throws -> SurveyRecord {
        try await write(draft) { connection in
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
        try await write(draft) { connection in
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
        defer { changes?.bump() }
        try await pool.withTransaction { connection in
            try await connection.execute("DELETE FROM surveys WHERE id = \(survey.id)")
            try await actor.audit("survey.deleted", organisation: survey.organisationID, target: "survey:\(survey.id)",
                                  detail: ["slug": survey.slug], on: connection)
        }
    }

    /// Runs a write in a transaction, answering a duplicate slug or a vanished organisation or
    /// team with 400.
    private func write<Result: Sendable>(_ draft: SurveyDraft, _ body: (PGConnection) async throws -> Result) async throws -> Result {
        do {
            defer { changes?.bump() }
            return try await pool.withTransaction(body)
        } catch let error as PGError where error.isUniqueViolation {
            throw JSONBody.invalid("'slug': a survey with slug '\(draft.slug)' already exists")
        } catch let error as PGError where error.isForeignKeyViolation {
            throw JSONBody.invalid("'organisation' or 'team' no longer exists")
        }
    }
}
