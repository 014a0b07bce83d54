import Foundation
import Policy
import Postgres

/// Tenant administration for operators (SPEC §8: `orgs`, `users`, `members`): each change is
/// one transaction with its audit event (actor: the operator), and the table triggers announce
/// it to every instance. Bad input is refused before anything is written.
extension Vault {
    /// An organisation as `orgs list` shows it.
    public struct OrganisationSummary: Sendable {
        public let id: Int64
        public let slug: String
        public let name: String
        public let owner: String?
        public let members: Int
    }

    /// Creates an organisation, owned by `owner` (a username) when given; its id.
    public func createOrganisation(slug: String, name: String, owner: String?) async throws -> Int64 {
        try Self.checkSlug(slug)
        try Self.checkText(name, "the name", limit: 200)
        return try await pool.withTransaction { connection in
            let ownerID = try await owner.asyncMap { try await Self.userID($0, on: connection) }
            let rows = try await connection.query("""
                INSERT INTO organisations (slug, name, owner_id) VALUES (\(slug), \(name), \(ownerID))
                ON CONFLICT (slug) DO NOTHING RETURNING id
                """)
            guard let id = try rows.first?.decode(Int64.self, at: 0) else {
                throw VaultError.invalidInput("an organisation with slug \(slug) already exists")
            }
            var detail = ["slug": slug, "name": name]
            if let owner { detail["owner"] = owner }
            try await AuditLog.record("organisation.created", actor: nil, organisation: id, target: "organisation:\(id)", detail: detail, on: connection)
            return id
        }
    }

    /// Every organisation, by slug.
    public func organisations() async throws -> [OrganisationSummary] {
        try await pool.query("""
            SELECT o.id, o.slug, o.name, u.username,
                   (SELECT count(*) FROM organisation_memberships m WHERE m.organisation_id = o.id)
            FROM organisations o LEFT JOIN users u ON u.id = o.owner_id ORDER BY o.slug
            """).map { row in
            OrganisationSummary(id: try row.decode(Int64.self, at: 0), slug: try row.decode(String.self, at: 1),
                                name: try row.decode(String.self, at: 2), owner: try row.decode(String?.self, at: 3),
                                members: try row.decode(Int.self, at: 4))
        }
    }

    /// Creates a user without a password (`users set-password` gives one); their id.
    public func createUser(username: String, email: String, tier: Tier, firstName: String = "", lastName: String = "") async throws -> Int64 {
        try Self.checkText(username, "the username", limit: 150)
        guard !username.contains(where: \.isWhitespace) else { throw VaultError.invalidInput("the username may not contain spaces") }
        try Self.checkText(email, "the email", limit: 320)
        guard email.split(separator: "@", omittingEmptySubsequences: false).count == 2, !email.hasPrefix("@"), !email.hasSuffix("@") else {
            throw VaultError.invalidInput("\(email) is not an email address")
        }
        try Self.checkText(firstName, "the first name", limit: 150, empty: true)
        try Self.checkText(lastName, "the last name", limit: 150, empty: true)
        return try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO users (username, email, tier, first_name, last_name) VALUES (\(username), \(email), \(tier.rawValue), \(firstName), \(lastName))
                ON CONFLICT DO NOTHING RETURNING id
                """)
            guard let id = try rows.first?.decode(Int64.self, at: 0) else {
                throw VaultError.invalidInput("a user with username \(username) or email \(email) already exists")
            }
            try await AuditLog.record("user.created", actor: nil, target: "user:\(id)", detail: ["username": username, "tier": tier.rawValue], on: connection)
            return id
        }
    }

    /// Deactivates a user: their keys and sessions stop working at once, everywhere.
    public func deactivate(username: String) async throws {
        try await changeUser(username, "user.deactivated") { id in
            "UPDATE users SET is_active = false, updated_at = now() WHERE id = \(id)"
        }
    }

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

    // MARK: Helpers

    private func changeUser(_ username: String, _ action: String, _ update: (Int64) -> PGQuery) async throws {
        let id = try await pool.withTransaction { connection in
            let id = try await Self.userID(username, on: connection)
            try await connection.execute(update(id))
            try await AuditLog.record(action, actor: nil, target: "user:\(id)", detail: ["username": username], on: connection)
            return id
        }
        forget(userID: id)
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
        forget(userID: userID)
    }

    static func userID(_ username: String, on connection: PGConnection) async throws -> Int64 {
        guard let id = try await connection.query("SELECT id FROM users WHERE username = \(username)").first?.decode(Int64.self, at: 0) else {
            throw VaultError.userNotFound(username)
        }
        return id
    }

    /// Organisation slugs: 1 to 100 lowercase letters, digits, `-` and `_`.
    static func checkSlug(_ slug: String) throws {
        let allowed = slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
        guard !slug.isEmpty, slug.utf8.count <= 100, allowed else {
            throw VaultError.invalidInput("the slug must be 1 to 100 lowercase letters, digits, '-' or '_'")
        }
    }

    static func checkText(_ text: String, _ what: String, limit: Int, empty: Bool = false) throws {
        guard empty || !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw VaultError.invalidInput("\(what) may not be empty") }
        guard text.count <= limit, !text.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
            throw VaultError.invalidInput("\(what) must be at most \(limit) characters, with no control characters")
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
