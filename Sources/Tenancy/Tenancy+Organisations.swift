import Postgres
import Vault

/// Organisations (SPEC §8 `orgs create|list`).
extension Tenancy {
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
            var ownerID: Int64?
            if let owner { ownerID = try await Self.userID(owner, on: connection) }
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

    /// The id of the organisation `slug`, or ``VaultError/organisationNotFound(_:)``.
    public func organisationID(slug: String) async throws -> Int64 {
        try await pool.withConnection { try await Self.organisationID(slug, on: $0) }
    }
}
