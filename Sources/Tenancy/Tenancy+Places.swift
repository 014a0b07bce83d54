import Policy
import Postgres
import Vault

/// What the console reads about where people belong: a user's places, an organisation or team
/// by slug with the roles of whoever asks about it, and its members. Who administers what is
/// the policy's answer (``Policy/UserPrincipal/administers(_:)``), never a query's.
extension Tenancy {
    /// The memberships of active user `userID`, in one query; `nil` when there is no such user.
    public func memberships(ofUser userID: Int64) async throws -> Memberships? {
        let rows = try await pool.query("""
            SELECT u.tier, u.is_staff, \(PrincipalLoader.membershipColumns("u.id")),
                   (SELECT coalesce(json_agg(p ORDER BY p.kind, p.name, p.slug), '[]') FROM (
                        SELECT 'org' AS kind, o.id, o.slug, o.name
                        FROM organisations o LEFT JOIN organisation_memberships m ON m.organisation_id = o.id AND m.user_id = u.id
                        WHERE o.owner_id = u.id OR m.user_id IS NOT NULL
                        UNION ALL
                        SELECT 'team', t.id, t.slug, t.name FROM teams t JOIN team_memberships tm ON tm.team_id = t.id
                        WHERE tm.user_id = u.id) p) AS places
            FROM users u WHERE u.id = \(userID) AND u.is_active
            """)
        guard let row = rows.first else { return nil }
        return Memberships(
            principal: try Self.principal(row, userID: userID),
            places: try row.decode(PGJSON<[Place]>.self, named: "places").value)
    }

    /// The organisation or team `slug`, with the memberships of user `viewerID` as the policy
    /// judges them (read now, in the same query); `nil` when there is no such place or user.
    public func place(_ kind: Place.Kind, slug: String, viewer viewerID: Int64) async throws -> (Place, viewer: UserPrincipal)? {
        let table: PGQuery = kind == .organisation ? "organisations" : "teams"
        let rows = try await pool.query("""
            SELECT p.id, p.slug, p.name, u.tier, u.is_staff, \(PrincipalLoader.membershipColumns("u.id"))
            FROM \(table) p, users u WHERE p.slug = \(slug) AND u.id = \(viewerID)
            """)
        guard let row = rows.first else { return nil }
        let place = Place(kind: kind, id: try row.decode(Int64.self, named: "id"), slug: try row.decode(String.self, named: "slug"),
                          name: try row.decode(String.self, named: "name"))
        return (place, try Self.principal(row, userID: viewerID))
    }

    /// The members of an organisation (and its owner) or of a team, by username.
    public func members(of place: Place) async throws -> [Member] {
        let members: PGQuery = place.kind == .organisation
            ? "SELECT user_id FROM organisation_memberships WHERE organisation_id = \(place.id) UNION SELECT owner_id FROM organisations WHERE id = \(place.id) AND owner_id IS NOT NULL"
            : "SELECT user_id FROM team_memberships WHERE team_id = \(place.id)"
        let rows = try await pool.query("SELECT u.id, u.username, u.email FROM users u WHERE u.id IN (\(members)) ORDER BY u.username")
        return try rows.map { Member(id: try $0.decode(Int64.self, at: 0), username: try $0.decode(String.self, at: 1), email: try $0.decode(String.self, at: 2)) }
    }

    /// The principal of the `tier`, `is_staff` and membership columns of `row`.
    private static func principal(_ row: PGRow, userID: Int64) throws -> UserPrincipal {
        try PrincipalLoader.principal(
            row: row, userID: userID, tier: PrincipalLoader.tier(row.decode(String.self, named: "tier")),
            isStaff: row.decode(Bool.self, named: "is_staff"))
    }
}
