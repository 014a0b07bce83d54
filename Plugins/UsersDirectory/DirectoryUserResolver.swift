import PluginKit
import Policy

/// Users of the directory for the decision API, by id.
struct DirectoryUserResolver: ResourceResolver {
    let repository: DirectoryUserRepository

    var resourceType: ResourceType { .user }

    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        try await lookups.resolve(parse: ObjectID.int64) { ids in
            try await repository.facts(ids: ids).mapValues { .user($0) }
        }
    }

    /// `user.create` is judged on the key alone (`superuser`, an organisation context).
    func propose(_ proposals: [ResourceProposal]) async throws -> [ResolvedResource?] {
        proposals.map { ResolvedResource(resource: .collection, user: $0.user) }
    }
}
