import JSON
import PluginKit
import Policy
import UsersDirectoryPolicy
import Postgres

/// Users of the directory for the decision API, by id.
struct UsersDirectoryResolver: ResourceResolver {
    let repository: UsersDirectoryRepository

    var resourceType: ResourceType { .user }

    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: ObjectID.int64) { ids in
            try await repository.facts(ids: ids).mapValues { .user($0) }
        }
    }

    func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? {
        try await integerIDs(repository.pool, id: "u.id", from: "users u",
                             where: UsersDirectoryRepository.visibility.condition(for: scope), after: after, limit: limit)
    }

    /// Nobody: the directory needs a key issued in an organisation, which a user subject is not.
    func subjectCandidates(of id: String) -> PGQuery? { .nobody }

    /// `user.create` is judged on the key alone (`superuser`, an organisation context).
    func propose(_ properties: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        properties.map { _ in .collection }
    }
}
