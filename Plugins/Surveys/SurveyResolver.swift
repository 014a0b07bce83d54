import PluginKit
import Policy
import Postgres

/// Surveys for the decision API: each survey's facts, with the asking user's role in it.
struct SurveyResolver: ResourceResolver {
    let pool: PGPool

    var resourceType: ResourceType { .survey }

    /// One query for the whole batch: every distinct (survey, user) pair, with the user's role.
    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        struct Pair: Hashable { var survey: Int64; var user: Int64 }
        let pairs = lookups.map { lookup in ObjectID.int64(lookup.id).map { Pair(survey: $0, user: lookup.user.userID) } }
        let distinct = Array(Set(pairs.compactMap { $0 }))
        var found: [Pair: (survey: SurveyRecord, role: SurveyRole?)] = [:]
        if !distinct.isEmpty {
            let rows = try await pool.query("""
                SELECT q.user_id, \(SurveyRecord.columns), m.role
                FROM unnest(\(distinct.map(\.survey)), \(distinct.map(\.user))) AS q(survey_id, user_id)
                JOIN surveys s ON s.id = q.survey_id
                LEFT JOIN organisations o ON o.id = s.organisation_id
                LEFT JOIN survey_memberships m ON m.survey_id = s.id AND m.user_id = q.user_id
                """)
            for row in rows {
                let survey = try SurveyRecord(row: row, from: 1)
                let role = try row.decode(String?.self, at: 12).flatMap(SurveyRole.init(rawValue:))
                found[Pair(survey: survey.id, user: try row.decode(Int64.self, at: 0))] = (survey, role)
            }
        }
        return zip(lookups, pairs).map { lookup, pair in
            guard let pair, let (survey, role) = found[pair] else { return nil }
            return ResolvedResource(
                resource: .survey(survey.facts),
                user: SurveyMemberships.principal(lookup.user, role: role, in: survey.id))
        }
    }
}
