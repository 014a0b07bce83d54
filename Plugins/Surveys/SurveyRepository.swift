import PluginKit
import Policy
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

    /// What a lookup found: the survey (`nil` when it does not exist) and the user's role in it.
    struct Found: Sendable {
        var survey: SurveyRecord?
        var role: SurveyRole?
    }

    init(pool: PGPool, changes: TableChanges? = nil) {
        self.pool = pool
        self.changes = changes
        cache = changes.map { ReadCache(changes: $0, capacity: 100_000) }
    }

    /// How the visibility leaves map onto `surveys s` for the caller `callerID`; survey
    /// memberships are an `EXISTS` over `survey_memberships` (see ``SurveyMemberships``).
    static func visibility(callerID: Int64) -> VisibilitySQL {
        VisibilitySQL(
            owner: "s.owner_id",
            organisation: "s.organisation_id",
            team: "s.team_id",
            id: "s.id",
            membership: { _ in
                "EXISTS (SELECT 1 FROM survey_memberships m WHERE m.survey_id = s.id AND m.user_id = \(callerID))"
            }
        )
    }

    /// The listed fields of every survey satisfying `predicate`, unordered.
    func visibleQuery(_ predicate: VisibilityPredicate, callerID: Int64) -> PGQuery {
        """
        SELECT \(SurveyRecord.columns)
        FROM surveys s LEFT JOIN organisations o ON o.id = s.organisation_id
        WHERE \(Self.visibility(callerID: callerID).condition(for: predicate))
        """
    }

    /// A survey and the caller's role in it, or `nil` when no survey has this id.
    func find(id: Int64, callerID: Int64) async throws -> (survey: SurveyRecord, role: SurveyRole?)? {
        try await find(pairs: [(id, callerID)]).first.map { ($0.survey, $0.role) }
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
        return (try SurveyRecord(row: row, from: 0), try Self.role(row, at: 11), try SurveyResponseCounts(row: row, from: 12))
    }

    /// Each survey of `pairs` that exists, with the role of the paired user in it: what the
    /// cache holds, and one query for the rest (a whole batch of the decision API).
    func find(pairs: [(survey: Int64, user: Int64)]) async throws -> [(survey: SurveyRecord, userID: Int64, role: SurveyRole?)] {
        guard let cache else { return try await load(pairs: pairs) }
        var found: [(survey: SurveyRecord, userID: Int64, role: SurveyRole?)] = []
        var missing: [(survey: Int64, user: Int64)] = []
        for pair in pairs {
            if let hit = cache.value(for: Pair(survey: pair.survey, user: pair.user)) {
                if let survey = hit.survey { found.append((survey, pair.user, hit.role)) }
            } else {
                missing.append(pair)
            }
        }
        guard !missing.isEmpty else { return found }
        let generation = cache.generation
        let loaded = try await load(pairs: missing)
        var byPair: [Pair: Found] = [:]
        for pair in missing { byPair[Pair(survey: pair.survey, user: pair.user)] = Found(survey: nil, role: nil) }
        for item in loaded { byPair[Pair(survey: item.survey.id, user: item.userID)] = Found(survey: item.survey, role: item.role) }
        for (pair, value) in byPair { cache.store(value, for: pair, readAt: generation) }
        return found + loaded
    }

    /// Reads each survey of `pairs` with the paired user's role: one query.
    private func load(pairs: [(survey: Int64, user: Int64)]) async throws -> [(survey: SurveyRecord, userID: Int64, role: SurveyRole?)] {
        let rows = try await pool.query("""
            SELECT \(SurveyRecord.columns), m.role, q.user_id
            FROM unnest(\(pairs.map(\.survey)), \(pairs.map(\.user))) AS q(survey_id, user_id)
            JOIN surveys s ON s.id = q.survey_id
            LEFT JOIN organisations o ON o.id = s.organisation_id
            LEFT JOIN survey_memberships m ON m.survey_id = s.id AND m.user_id = q.user_id
            """)
        return try rows.map { row in
            (try SurveyRecord(row: row, from: 0), try row.decode(Int64.self, at: 12), try Self.role(row, at: 11))
        }
    }

    private static func role(_ row: PGRow, at column: Int) throws -> SurveyRole? {
        try row.decode(String?.self, at: column).flatMap(SurveyRole.init(rawValue:))
    }
}
