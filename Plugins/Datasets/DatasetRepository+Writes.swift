import PluginKit
import Postgres

/// The datasets plugin's writes: each one statement plus its audit event, in one transaction.
extension DatasetRepository {
    /// Creates a dataset created by the actor; audited as `dataset.created`.
    func insert(_ draft: DatasetDraft, by actor: WriteActor) async throws -> DatasetRecord {
        try await pool.write(announcing: nil, duplicate: Self.duplicate(draft)) { connection in
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
        try await pool.write(announcing: nil, duplicate: Self.duplicate(draft)) { connection in
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
        try await pool.write(announcing: nil) { connection in
            try await connection.execute("DELETE FROM datasets WHERE key = \(dataset.key)")
            try await actor.audit("dataset.deleted", organisation: dataset.organisationID, target: "dataset:\(dataset.key)", on: connection)
        }
    }

    private static func load(key: String, on connection: PGConnection) async throws -> DatasetRecord {
        let rows = try await connection.query("SELECT \(DatasetRecord.columns) FROM \(DatasetRecord.tables) WHERE d.key = \(key)")
        guard let row = rows.first else { throw APIError.notFound }
        return try DatasetRecord(row: row, from: 0)
    }

    /// A duplicate key is a 400.
    private static func duplicate(_ draft: DatasetDraft) -> (PGError) -> APIError {
        { _ in JSONBody.invalid("'key': a dataset with key '\(draft.key)' already exists") }
    }
}
