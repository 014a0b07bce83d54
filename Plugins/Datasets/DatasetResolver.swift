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
