import PluginKit
import Postgres
import Vault

/// The directory's writes, each in one transaction with its audit event. The `users` and
/// membership triggers announce the change, so every instance re-reads the user's keys.
extension UsersDirectoryRepository {
    /// Creates a user (free tier, no password) who joins `organisationID` with the draft's role.
    func insert(_ draft: UsersDirectoryDraft, organisationID: Int64, by actor: WriteActor) async throws -> UsersDirectoryRecord {
        let role = (draft.role ?? .viewer).rawValue
        return try await pool.write(announcing: changes, duplicate: Self.duplicate) { connection in
            let rows = try await connection.query("""
                INSERT INTO users (username, email, first_name, last_name, is_active)
                VALUES (\(draft.username), \(draft.email), \(draft.firstName), \(draft.lastName), \(draft.isActive))
                RETURNING id
                """)
            let id = try rows[0].decode(Int64.self, at: 0)
            try await connection.execute("""
                INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(organisationID), \(id), \(role))
                """)
            try await actor.audit("user.created", organisation: organisationID, target: "user:\(id)",
                                  detail: ["role": role], on: connection)
            return try await Self.load(id: id, organisationID: organisationID, on: connection)
        }
    }

    /// Replaces the user's writable fields and their role in `organisationID`.
    func update(id: Int64, to draft: UsersDirectoryDraft, organisationID: Int64, by actor: WriteActor, vault: Vault) async throws -> UsersDirectoryRecord {
        let record = try await pool.write(announcing: changes, duplicate: Self.duplicate) { connection in
            try await connection.execute("""
                UPDATE users SET email = \(draft.email), first_name = \(draft.firstName), last_name = \(draft.lastName),
                    is_active = \(draft.isActive), updated_at = now()
                WHERE id = \(id)
                """)
            if let role = draft.role {
                try await connection.execute("""
                    UPDATE organisation_memberships SET role = \(role.rawValue), updated_at = now()
                    WHERE organisation_id = \(organisationID) AND user_id = \(id) AND role <> \(role.rawValue)
                    """)
            }
            try await actor.audit("user.updated", organisation: organisationID, target: "user:\(id)",
                                  detail: ["role": draft.role?.rawValue ?? "owner", "is_active": String(draft.isActive)], on: connection)
            return try await Self.load(id: id, organisationID: organisationID, on: connection)
        }
        vault.forget(userID: id)
        return record
    }

    /// Removes the user from `organisationID` (the account stays: it may belong elsewhere).
    func remove(id: Int64, organisationID: Int64, by actor: WriteActor, vault: Vault) async throws {
        try await pool.write(announcing: changes) { connection in
            try await connection.execute("DELETE FROM organisation_memberships WHERE organisation_id = \(organisationID) AND user_id = \(id)")
            try await actor.audit("user.removed", organisation: organisationID, target: "user:\(id)", on: connection)
        }
        vault.forget(userID: id)
    }

    private static func load(id: Int64, organisationID: Int64, on connection: PGConnection) async throws -> UsersDirectoryRecord {
        let rows = try await connection.query("""
            SELECT \(UsersDirectoryRecord.columns) FROM \(UsersDirectoryRecord.tables(organisationID: organisationID)) WHERE u.id = \(id)
            """)
        guard let row = rows.first else { throw APIError.notFound }
        return try UsersDirectoryRecord(row: row, from: 0)
    }

    /// A taken username or email is a 400 naming which.
    private static func duplicate(_ error: PGError) -> APIError {
        let field = error.constraint == "users_email_ci" ? "email" : "username"
        return JSONBody.invalid("'\(field)': a user with this \(field) already exists")
    }
}
