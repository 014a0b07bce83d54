import Policy
import Postgres

/// Loads a user's memberships into a `UserPrincipal`: the one reading of memberships that key
/// verification, issuance, the decision API and Tenancy's reads share.
public enum PrincipalLoader {
    /// Three array columns — organisation roles, owned organisations, team roles — for the user `userColumn`.
    ///
    /// With `confinedBy` (the alias of a key row, `api_keys`), a key confined to an organisation
    /// keeps only the memberships inside it, and a key confined to a team only that team's
    /// membership (SPEC §2): roles held elsewhere never reach the key. Both arguments are
    /// references written by this module, never input.
    public static func membershipColumns(_ userColumn: StaticString, confinedBy key: StaticString? = nil) -> PGQuery {
        let user = "\(userColumn)"
        let (inOrganisation, ownedInOrganisation, teamInConfinement) = key.map { key in
            (" AND \(key).team_id IS NULL AND (\(key).organisation_id IS NULL OR m.organisation_id = \(key).organisation_id)",
             " AND \(key).team_id IS NULL AND (\(key).organisation_id IS NULL OR o2.id = \(key).organisation_id)",
             " AND (\(key).team_id IS NULL OR t.team_id = \(key).team_id)"
                + " AND (\(key).organisation_id IS NULL OR t.team_id IN (SELECT t2.id FROM teams t2 WHERE t2.organisation_id = \(key).organisation_id))")
        } ?? ("", "", "")
        return PGQuery(stringLiteral: """
            ARRAY(SELECT m.organisation_id || ':' || m.role FROM organisation_memberships m WHERE m.user_id = \(user)\(inOrganisation)) AS organisation_roles,
            ARRAY(SELECT o2.id FROM organisations o2 WHERE o2.owner_id = \(user)\(ownedInOrganisation)) AS owned_organisations,
            ARRAY(SELECT t.team_id || ':' || t.role FROM team_memberships t WHERE t.user_id = \(user)\(teamInConfinement)) AS team_roles
            """)
    }

    /// Builds the principal from the three membership columns of ``membershipColumns(_:confinedBy:)``,
    /// read by name.
    public static func principal(row: PGRow, userID: Int64, tier: Tier, isStaff: Bool) throws -> UserPrincipal {
        let organisationRoles = try roles(row.decode([String].self, named: "organisation_roles"), OrganisationRole.init(rawValue:))
        let owned = try row.decode([Int64].self, named: "owned_organisations")
        let teamRoles = try roles(row.decode([String].self, named: "team_roles"), TeamRole.init(rawValue:))
        return UserPrincipal(
            userID: userID,
            tier: tier,
            isStaff: isStaff,
            capabilities: .default,
            organisationRoles: MembershipTable(organisationRoles),
            ownedOrganisations: IDSet(owned),
            teamRoles: MembershipTable(teamRoles)
        )
    }

    /// Loads the principal of a user by id (for issuers and the decision API).
    static func principal(userID: Int64, on connection: PGConnection) async throws -> (UserPrincipal, isActive: Bool)? {
        let rows = try await connection.query("""
            SELECT u.tier, u.is_staff, u.is_active, \(membershipColumns("u.id")) FROM users u WHERE u.id = \(userID)
            """)
        guard let row = rows.first else { return nil }
        let principal = try principal(
            row: row, userID: userID,
            tier: tier(row.decode(String.self, named: "tier")), isStaff: row.decode(Bool.self, named: "is_staff"))
        return (principal, try row.decode(Bool.self, named: "is_active"))
    }

    /// The principals of the active users among `candidates` (SQL selecting user ids), in id
    /// order after `after`, at most `limit`: one query.
    static func activePrincipals(among candidates: PGQuery, after: Int64, limit: Int, on connection: PGConnection) async throws -> [UserPrincipal] {
        let rows = try await connection.query("""
            SELECT u.id, u.tier, u.is_staff, \(membershipColumns("u.id")) FROM users u
            WHERE u.is_active AND u.id > \(after) AND u.id IN (\(candidates))
            ORDER BY u.id LIMIT \(limit)
            """)
        return try rows.map { row in
            try principal(row: row, userID: row.decode(Int64.self, named: "id"),
                          tier: tier(row.decode(String.self, named: "tier")), isStaff: row.decode(Bool.self, named: "is_staff"))
        }
    }

    /// The principal of the user `condition` selects (on `users u`, written by this module), with
    /// the user's id, username and whether they are active: one query.
    static func principal(where condition: PGQuery, on connection: PGConnection) async throws -> (UserPrincipal, id: Int64, username: String, isActive: Bool)? {
        let rows = try await connection.query("""
            SELECT u.id, u.username, u.tier, u.is_staff, u.is_active, \(membershipColumns("u.id")) FROM users u WHERE \(condition)
            """)
        guard let row = rows.first else { return nil }
        let id = try row.decode(Int64.self, named: "id")
        let principal = try principal(
            row: row, userID: id, tier: tier(row.decode(String.self, named: "tier")), isStaff: row.decode(Bool.self, named: "is_staff"))
        return (principal, id, try row.decode(String.self, named: "username"), try row.decode(Bool.self, named: "is_active"))
    }

    /// The tier named `text`; a decoding error for a name that is none.
    public static func tier(_ text: String) throws -> Tier {
        guard let tier = Tier(rawValue: text) else { throw PGError(.decoding, message: "unknown tier \(text)") }
        return tier
    }

    private static func roles<Role>(_ items: [String], _ make: (String) -> Role?) throws -> [(Int64, Role)] {
        try items.map { item in
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = Int64(parts[0]), let role = make(String(parts[1])) else {
                throw PGError(.decoding, message: "malformed membership \(item)")
            }
            return (id, role)
        }
    }
}
