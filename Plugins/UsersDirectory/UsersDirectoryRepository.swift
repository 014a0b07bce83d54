import PluginKit
import Policy
import UsersDirectoryPolicy
import Postgres

/// The directory's SQL: parameterised queries only, one statement per request.
struct UsersDirectoryRepository: Sendable {
    let pool: PGPool
    /// Announced after each write (memberships change what other plugins' cached reads show).
    var changes: TableChanges? = nil

    /// How the visibility leaves map onto `users u` (see `UsersDirectoryFacts`):
    /// `organisationIn` means "belongs to" — a membership, or the organisation's owner.
    static let visibility = VisibilitySQL(
        owner: "u.id",
        isActive: "u.is_active",
        id: "u.id",
        custom: { leaf in
            guard case .organisationIn(let ids) = leaf else { return nil }
            return """
                (u.id = ANY(ARRAY(SELECT lk_m.user_id FROM organisation_memberships lk_m WHERE lk_m.organisation_id = ANY(\(ids)))) \
                OR u.id = ANY(ARRAY(SELECT lk_o.owner_id FROM organisations lk_o WHERE lk_o.id = ANY(\(ids)) AND lk_o.owner_id IS NOT NULL)))
                """
        }
    )

    /// The shown fields of every user satisfying `predicate` (and `isActive`, when given), with
    /// their role in `organisationID`; unordered.
    func visibleQuery(_ predicate: VisibilityPredicate, organisationID: Int64, isActive: Bool?) -> PGQuery {
        let filter: PGQuery = isActive.map { "u.is_active = \($0)" } ?? "TRUE"
        return """
            SELECT \(UsersDirectoryRecord.columns)
            FROM \(UsersDirectoryRecord.tables(organisationID: organisationID))
            WHERE \(Self.visibility.condition(for: predicate)) AND \(filter)
            """
    }

    /// A user with their role in `organisationID` and the facts the policy reads (every
    /// organisation they belong to), or `nil` when no user has this id.
    func find(id: Int64, organisationID: Int64) async throws -> (record: UsersDirectoryRecord, facts: UsersDirectoryFacts)? {
        let rows = try await pool.query("""
            SELECT \(UsersDirectoryRecord.columns), \(Self.organisationColumns)
            FROM \(UsersDirectoryRecord.tables(organisationID: organisationID))
            WHERE u.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let record = try UsersDirectoryRecord(row: row, from: 0)
        return (record, try Self.facts(userID: record.id, isActive: record.isActive, row: row))
    }

    /// The policy facts of each user in `ids` that exists (every organisation they belong to).
    func facts(ids: [Int64]) async throws -> [Int64: UsersDirectoryFacts] {
        let rows = try await pool.query("""
            SELECT u.id, u.is_active, \(Self.organisationColumns)
            FROM users u WHERE u.id = ANY(\(ids))
            """)
        var found: [Int64: UsersDirectoryFacts] = [:]
        for row in rows {
            let id = try row.decode(Int64.self, at: 0)
            found[id] = try Self.facts(userID: id, isActive: try row.decode(Bool.self, named: "is_active"), row: row)
        }
        return found
    }

    /// The organisations `users u` belongs to (memberships and ownership), then those it owns,
    /// then whether it is staff.
    static let organisationColumns: PGQuery = """
        ARRAY(SELECT lk_m.organisation_id FROM organisation_memberships lk_m WHERE lk_m.user_id = u.id
              UNION SELECT lk_o.id FROM organisations lk_o WHERE lk_o.owner_id = u.id) AS organisation_ids,
        ARRAY(SELECT lk_o.id FROM organisations lk_o WHERE lk_o.owner_id = u.id) AS owned_organisation_ids,
        u.is_staff
        """

    /// The policy facts from the ``organisationColumns``, read by name.
    static func facts(userID: Int64, isActive: Bool, row: PGRow) throws -> UsersDirectoryFacts {
        UsersDirectoryFacts(
            userID: userID,
            organisationIDs: IDSet(try row.decode([Int64].self, named: "organisation_ids")),
            isActive: isActive,
            ownedOrganisationIDs: IDSet(try row.decode([Int64].self, named: "owned_organisation_ids")),
            isStaff: try row.decode(Bool.self, named: "is_staff"))
    }
}
