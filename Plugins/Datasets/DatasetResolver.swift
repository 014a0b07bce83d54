import JSON
import PluginKit
import Policy
import DatasetsPolicy
import Postgres

/// Datasets for the decision API, by key.
struct DatasetResolver: ResourceResolver {
    let repository: DatasetRepository

    var resourceType: ResourceType { .dataset }

    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: { DatasetRecord.isWellFormedKey($0) ? $0 : nil }) { keys in
            Dictionary(try await repository.find(keys: keys).map { ($0.key, .dataset($0.facts)) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Keys in bytewise order.
    func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? {
        let rows = try await repository.pool.query("""
            SELECT d.key FROM datasets d
            WHERE \(DatasetRepository.visibility.condition(for: scope)) AND d.key COLLATE "C" > \(after ?? "")
            ORDER BY d.key COLLATE "C" LIMIT \(limit)
            """)
        return try rows.map { try $0.decode(String.self, at: 0) }
    }

    /// Everyone for a global dataset; else its creator, the members and owner of its
    /// organisation, the members of its team.
    func subjectCandidates(of id: String) -> PGQuery? {
        guard DatasetRecord.isWellFormedKey(id) else { return .nobody }
        return """
            SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM datasets d WHERE d.key = \(id) AND d.is_global)
            UNION ALL SELECT d.created_by FROM datasets d WHERE d.key = \(id)
            UNION ALL SELECT o.owner_id FROM datasets d JOIN organisations o ON o.id = d.organisation_id WHERE d.key = \(id)
            UNION ALL SELECT m.user_id FROM datasets d JOIN organisation_memberships m ON m.organisation_id = d.organisation_id WHERE d.key = \(id)
            UNION ALL SELECT t.user_id FROM datasets d JOIN team_memberships t ON t.team_id = d.team_id WHERE d.key = \(id)
            """
    }

    /// A new dataset created by the asking user, as the properties describe it
    /// (`organisation`, `team`, `category`, `is_global`); `nil` when one is malformed.
    func propose(_ proposals: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        proposals.map { properties in
            guard case .some(let organisation) = properties.idProperty("organisation"),
                  case .some(let team) = properties.idProperty("team") else { return nil }
            var draft = DatasetDraft()
            draft.organisationID = organisation
            draft.teamID = team
            switch properties["category"] {
            case nil, .null?: break
            case .string(let text)?:
                guard let category = DatasetCategory(rawValue: text) else { return nil }
                draft.category = category
            default: return nil
            }
            switch properties["is_global"] {
            case nil, .null?: break
            case .bool(let flag)?: draft.isGlobal = flag
            default: return nil
            }
            return .dataset(draft.facts(createdBy: user.userID))
        }
    }
}
