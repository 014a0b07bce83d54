import PluginKit
import Policy
import SurveysPolicy
import Postgres

/// The surveys plugin's SQL: parameterised queries only, one statement per request.
///
/// With ``TableChanges`` (the server listens for `latchkey_data`), surveys found by id are
/// cached with the asking user's role, until a survey, a survey membership or anything the
/// triggers watch changes; writes here announce their own change at once.
struct SurveyRepository: Sendable {
    let pool: PGPool
    let changes: TableChanges?
    let cache: ReadCache<Pair, Found>?

    /// A survey and the user asking about it.
    struct Pair: Hashable, Sendable {
        var survey: Int64
        var user: Int64
    }

    /// What a lookup found: the survey (`nil` when it does not exist), the user's role in it and
    /// the resource the rules judge. A class, so a batch copies one reference per survey out of
    /// the cache.
    final class Found: Sendable {
        let survey: SurveyRecord?
        let role: SurveyRole?
        let resource: Resource?

        init(survey: SurveyRecord?, role: SurveyRole?, user: Int64) {
            self.survey = survey
            self.resource = survey.map { .survey($0.facts(for: user, role: role)) }
            self.role = role
        }

        static let nothing = Found(survey: nil, role: nil, user: 0)
    }

    init(pool: PGPool, changes: TableChanges? = nil) {
        self.pool = pool
        self.changes = changes
        cache = changes.map { ReadCache(changes: $0, capacity: 100_000) }
    }

    /// How the visibility leaves map onto `surveys s`; a survey membership (`memberIs`) is the
    /// survey's id among the user's `survey_memberships`.
    static let visibility = VisibilitySQL(
        owner: "s.owner_id",
        organisation: "s.organisation_id",
        team: "s.team_id",
        id: "s.id",
        membership: { user in
            "s.id = ANY(ARRAY(SELECT m.survey_id FROM survey_memberships m WHERE m.user_id = \(user)))"
        }
    )

    /// The listed fields of every survey satisfying `predicate`, unordered.
    func visibleQuery(_ predicate: VisibilityPredicate) -> PGQuery {
        """
        SELECT \(SurveyRecord.columns)
        FROM surveys s LEFT JOIN organisations o ON o.id = s.organisation_id
        WHERE \(Self.visibility.condition(for: predicate))
        """
    }

    /// A survey and the caller's role in it, or `nil` when no survey has this id.
    func find(id: Int64, callerID: Int64) async throws -> (survey: SurveyRecord, role: SurveyRole?)? {
        let found = try await find(ids: [id], user: callerID)[0]
        return found.survey.map { ($0, found.role) }
    }

    /// A survey, the caller's role in it and its response counts, or `nil` when no survey has
    /// this id.
    func findWithMetrics(id: Int64, callerID: Int64) async throws -> (survey: SurveyRecord, role: SurveyRole?, metrics: SurveyResponseCounts)? {
        let rows = try await pool.query("""
            SELECT \(SurveyRecord.columns), m.role, c.total, c.today, c.last7, c.last14
            FROM surveys s
            LEFT JOIN organisations o ON o.id = s.organisation_id
            LEFT JOIN survey_memberships m ON m.survey_id = s.id AND m.user_id = \(callerID)
            CROSS JOIN LATERAL (\(SurveyResponseCounts.lateral)) c
            WHERE s.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        return (try SurveyRecord(row: row, from: 0), try Self.role(row), try SurveyResponseCounts(row: row))
    }

    /// What is known of each survey of `ids`, in order, with `user`'s role in it: what the cache
    /// holds, and one query for the rest (a whole batch of the decision API).
    func find(ids: [Int64], user: Int64) async throws -> [Found] {
        guard let cache else { return try await load(ids: ids, user: user) }
        let cached = cache.values(for: ids.map { Pair(survey: $0, user: user) })
        let missing = ids.indices.filter { cached[$0] == nil }
        guard !missing.isEmpty else { return cached.map { $0! } }
        let generation = cache.generation
        let loaded = try await load(ids: missing.map { ids[$0] }, user: user)
        for (index, found) in zip(missing, loaded) {
            cache.store(found, for: Pair(survey: ids[index], user: user), readAt: generation)
        }
        var result = cached
        for (index, found) in zip(missing, loaded) { result[index] = found }
        return result.map { $0! }
    }

    /// A survey's facts with the role of each of `users` in it (for a subject search), or `nil`
    /// when no survey has this id: one query, never cached.
    func find(id: Int64, users: [Int64]) async throws -> SurveyFacts? {
        let rows = try await pool.query("""
            SELECT \(SurveyRecord.columns),
                   ARRAY(SELECT m.user_id FROM survey_memberships m WHERE m.survey_id = s.id AND m.user_id = ANY(\(users)) ORDER BY m.user_id) AS member_ids,
                   ARRAY(SELECT m.role FROM survey_memberships m WHERE m.survey_id = s.id AND m.user_id = ANY(\(users)) ORDER BY m.user_id) AS member_roles
            FROM surveys s LEFT JOIN organisations o ON o.id = s.organisation_id
            WHERE s.id = \(id)
            """)
        guard let row = rows.first else { return nil }
        let ids = try row.decode([Int64].self, named: "member_ids")
        let roles = try row.decode([String].self, named: "member_roles").map { SurveyRole(rawValue: $0) }
        let members = zip(ids, roles).compactMap { id, role in role.map { (id, $0) } }
        return try SurveyRecord(row: row, from: 0).facts(members: MembershipTable(members))
    }

    /// The surveys of `ids` and of `slugs` (a key's selection, SPEC §15), with `user`'s role in
    /// each, in no order: one query, never cached.
    func find(ids: [Int64], slugs: [String], user: Int64) async throws -> [Found] {
        try await load(where: "s.id = ANY(\(ids)) OR s.slug = ANY(\(slugs))", user: user)
    }

    /// Reads each survey of `ids` with `user`'s role in it, in order: one query.
    private func load(ids: [Int64], user: Int64) async throws -> [Found] {
        var byID: [Int64: Found] = [:]
        for found in try await load(where: "s.id = ANY(\(ids))", user: user) {
            if let survey = found.survey { byID[survey.id] = found }
        }
        return ids.map { byID[$0] ?? .nothing }
    }

    /// Reads the surveys where `condition` holds with `user`'s role in each: one query.
    private func load(where condition: PGQuery, user: Int64) async throws -> [Found] {
        let rows = try await pool.query("""
            SELECT \(SurveyRecord.columns), m.role
            FROM surveys s
            LEFT JOIN organisations o ON o.id = s.organisation_id
            LEFT JOIN survey_memberships m ON m.survey_id = s.id AND m.user_id = \(user)
            WHERE \(condition)
            """)
        return try rows.map { Found(survey: try SurveyRecord(row: $0, from: 0), role: try Self.role($0), user: user) }
    }

    /// The caller's survey role (`m.role`, read by name), if any.
    private static func role(_ row: PGRow) throws -> SurveyRole? {
        try row.decode(String?.self, named: "role").flatMap(SurveyRole.init(rawValue:))
    }
}
