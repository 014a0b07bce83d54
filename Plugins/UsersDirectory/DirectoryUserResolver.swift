import JSON
import PluginKit
import Policy
import UsersDirectoryPolicy
import Postgres

/// Users of the directory for the decision API, by id.
struct DirectoryUserResolver: ResourceResolver {
    let repository: DirectoryUserRepository

    var resourceType: ResourceType { .user }

    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: ObjectID.int64) { ids in
            try await repository.facts(ids: ids).mapValues { .user($0) }
        }
    }

    /// `user.create` is judged on the key alone (`superuser`, an organisation context).
    func propose(_ properties: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        properties.map { _ in .collection }
    }
}
