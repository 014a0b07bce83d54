import PluginKit
import Postgres

/// The datasets plugin's writes: each one statement plus its audit event, in one transaction.
extension DatasetRepository {
    /// 400 when the draft's organisation or team does not exist.
    func requireTargets(of draft: DatasetDraft) async throws {
        let rows = try await pool.query("""
            SELECT EXISTS (SELECT 1 FROM organisations WHERE id = \(draft.organisationID)),
                   EXISTS (SELECT 1 FROM teams WHERE id = \(draft.teamID))
            """)
        if let id = draft.organisationID, try !rows[0].decode(Bool.self, at: 0) {
            throw JSONBody.invalid("'organisation': no organisation has id \(id)")
        }
        if let id = draft.teamID, try !rows[0].decode(Bool.self, at: 1) {
            throw JSONBody.invalid("'team': no team has id \(id)")
        }
    }

    /// Creates a dataset created by the actor; audited as `dataset.created`.
    func insert(_ draft: DatasetDraft, by actor: WriteActor) async throws -> DatasetRecord {
        try await write(draft) { connection in
            try await connection.execute("""
                INSERT INTO datasets (key, name, description, category, is_global, organisation_id, team_id, created_by, options, tags, is_active)
                VALUES (\(draft.key), \(draft.name), \(draft.description), \(draft.category.rawValue), \(draft.isGlobal),
                        \(draft.organisationID), \(draft.teamID), \(actor.user.userID), \(draft.options), \(draft.tags), \(draft.isActive))
                """)
            try await actor.audit("dataset.created", organisation: draft.organisationID, target: "dataset:\(draft.key)", on: connection)
            return try await Self.load(key: draft.key, on: connection)
        }
    }

    /// Replaces the writable fields of the dataset and bumps its version; audited as
    /// `dataset.updated`.
    func update(_ draft: DatasetDraft, by actor: WriteActor) async throws -> DatasetRecord {
        try await write(draft) { connection in
            try await connection.execute("""
                UPDATE datasets SET name = \(draft.name), description = \(draft.description), category = \(draft.category.rawValue),
                    is_global = \(draft.isGlobal), organisation_id = \(draft.organisationID), team_id = \(draft.teamID),
                    options = \(draft.options), tags = \(draft.tags), is_active = \(draft.isActive),
                    version = version + 1, updated_at = now()
                WHERE key = \(draft.key)
                """)
            try await actor.audit("dataset.updated", organisation: draft.organisationID, target: "dataset:\(draft.key)", on: connection)
            return try await Self.load(key: draft.key, on: connection)
        }
    }

    /// Deletes the dataset; audited as `dataset.deleted`.
    func delete(_ dataset: DatasetRecord, by actor: WriteActor) async throws {
        try await pool.withTransaction { connection in
            try await connection.execute("DELETE FROM datasets WHERE key = \(dataset.key)")
            try await actor.audit("dataset.deleted", organisation: dataset.organisationID, target: "dataset:\(dataset.key)", on: connection)
        }
    }

    private static func load(key: String, on connection: PGConnection) async throws -> DatasetRecord {
        let rows = try await connection.query("SELECT \(DatasetRecord.columns) FROM \(DatasetRecord.tables) WHERE d.key = \(key)")
        guard let row = rows.first else { throw APIError.notFound }
        return try DatasetRecord(row: row, from: 0)
    }

    /// Runs a write in a transaction, answering a duplicate key or a vanished organisation or
    /// team with 400.
    private func write<Result>(_ draft: DatasetDraft, _ body: (PGConnection) async throws -> Result) async throws -> Result {
        do {
            return try await pool.withTransaction(body)
        } catch let error as PGError where error.isUniqueViolation {
            throw JSONBody.invalid("'key': a dataset with key '\(draft.key)' already exists")
        } catch let error as PGError where error.isForeignKeyViolation {
            throw JSONBody.invalid("'organisation' or 'team' no longer exists")
        }
    }
}
