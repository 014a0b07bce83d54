import Postgres
import Vault

/// Memberships (SPEC §8 `members add|remove`): organisation and team roles. A membership that
/// ends revokes the keys confined there (SPEC §2 offboarding, by the table triggers).
extension Tenancy {
    /// Where a membership lives: an organisation or a team, by slug.
    public enum Group: Sendable {
        case organisation(String)
        case team(String)
    }

    /// Adds `username` to the group with `role` (`admin`, `creator`, `viewer`), or changes
    /// their role there.
    public func addMember(_ username: String, to group: Group, role: String) async throws {
        guard ["admin", "creator", "viewer"].contains(role) else {
            throw VaultError.invalidInput("the role must be admin, creator or viewer, not \(role)")
        }
        try await changeMembership(username, group, "member.added", role: role) { table, column, groupID, userID in
            """
            INSERT INTO \(table) (\(column), user_id, role) VALUES (\(groupID), \(userID), \(role))
            ON CONFLICT (\(column), user_id) DO UPDATE SET role = EXCLUDED.role, updated_at = now() RETURNING 1
            """
        }
    }

    /// Removes `username` from the group; refused when they are not in it.
    public func removeMember(_ username: String, from group: Group) async throws {
        try await changeMembership(username, group, "member.removed", role: nil) { table, column, groupID, userID in
            "DELETE FROM \(table) WHERE \(column) = \(groupID) AND user_id = \(userID) RETURNING 1"
        }
    }

    private func changeMembership(
        _ username: String, _ group: Group, _ action: String, role: String?,
        _ statement: (_ table: PGQuery, _ column: PGQuery, _ groupID: Int64, _ userID: Int64) -> PGQuery
    ) async throws {
        let userID = try await pool.withTransaction { connection in
            let userID = try await Self.userID(username, on: connection)
            let (table, column, groupID, organisationID, name): (PGQuery, PGQuery, Int64, Int64?, String)
            switch group {
            case .organisation(let slug):
                guard let id = try await connection.query("SELECT id FROM organisations WHERE slug = \(slug)").first?.decode(Int64.self, at: 0) else {
                    throw VaultError.organisationNotFound(slug)
                }
                (table, column, groupID, organisationID, name) = ("organisation_memberships", "organisation_id", id, id, "organisation \(slug)")
            case .team(let slug):
                guard let row = try await connection.query("SELECT id, organisation_id FROM teams WHERE slug = \(slug)").first else {
                    throw VaultError.invalidInput("no such team: \(slug)")
                }
                (table, column, groupID, organisationID, name) = ("team_memberships", "team_id", try row.decode(Int64.self, at: 0), try row.decode(Int64?.self, at: 1), "team \(slug)")
            }
            guard try await !connection.query(statement(table, column, groupID, userID)).isEmpty else {
                throw VaultError.invalidInput("\(username) is not a member of \(name)")
            }
            var detail = ["username": username, "group": name]
            if let role { detail["role"] = role }
            try await AuditLog.record(action, actor: nil, organisation: organisationID, target: "user:\(userID)", detail: detail, on: connection)
            return userID
        }
        vault.forget(userID: userID)
    }
}
