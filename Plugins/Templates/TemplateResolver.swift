import PluginKit
import Policy
import TemplatesPolicy

/// Question-group templates for the decision API, by id.
struct TemplateResolver: ResourceResolver {
    let repository: TemplateRepository

    var resourceType: ResourceType { .template }

    /// The facts do not depend on the caller (`can_delete` is not a fact), so any caller id serves.
    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: ObjectID.int64) { ids in
            Dictionary(try await repository.find(ids: ids, callerID: 0).map { ($0.id, .template($0.facts)) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
