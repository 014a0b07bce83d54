import Hummingbird
import PluginKit
import Policy
import UsersDirectoryPolicy
import Vault

/// The directory routes: `GET /api/user/` and `GET /api/user/{id}/`.
///
/// The caller must be allowed to read the directory at all (`user.list`: a key with `view`,
/// issued in an organisation the caller still belongs to), else 403; the list is then filtered
/// in SQL by the engine's visibility predicate, and one user is shown only if `user.retrieve`
/// allows it — a user outside the key's organisation answers 404, like one that does not exist.
struct UsersDirectoryController<Context: PluginRequestContext>: Sendable {
    let repository: UsersDirectoryRepository
    let engine: PolicyEngine
    let vault: Vault

    func register(on routes: RouteTable<Context>) {
        routes.on("/api/user/", method: .get, .action(.userList), documented: UsersDirectoryPlugin.openAPI.operation("listUsers")) { request, context in try await list(request, context) }
        routes.on("/api/user/{id}/", method: .get, .action(.userRetrieve, object: "id"), documented: UsersDirectoryPlugin.openAPI.operation("retrieveUser")) { _, context in try await retrieve(context) }
        registerWrites(on: routes)
    }

    /// The users of the key's organisation, ordered by id; `?is_active=True|False` filters;
    /// paged with `?limit=`/`?offset=`.
    func list(_ request: Request, _ context: Context) async throws -> Response {
        let (user, organisation) = try requireDirectory(context)
        let isActive = try StrictQuery(request).boolean("is_active")
        let predicate = engine.visibility(.user(user), for: .userList)
        return Response.json(body: try await ListResponse.body(
            for: request,
            base: repository.visibleQuery(predicate, organisationID: organisation, isActive: isActive),
            orderBy: "id",
            pool: repository.pool,
            decode: UsersDirectoryRecord.init(row:from:)
        ))
    }

    /// One user of the key's organisation: 200, or 404 when no such user is in it.
    func retrieve(_ context: Context) async throws -> Response {
        let (user, organisation) = try requireDirectory(context)
        let id = try ObjectID.int64("id", in: context)
        return .json(try await requireMember(id, of: organisation, .userRetrieve, user).record)
    }

    /// User `id` of the organisation and its facts, once `action` on them is allowed (judged on
    /// the role alone: no changes yet): 404 when the user is not in it, 403 when the caller
    /// sees the user but may not act on them.
    @discardableResult
    func requireMember(_ id: Int64, of organisation: Int64, _ action: Action, _ user: UserPrincipal) async throws -> (record: UsersDirectoryRecord, facts: UsersDirectoryFacts) {
        let found = try await repository.find(id: id, organisationID: organisation)
        return try engine.requireObject(found, .user(user), action) { $0.facts }
    }

    /// The caller and the key's organisation, once `user.list` allows reading the directory:
    /// anonymous → 401; no `view`, no organisation context or no longer a member → 403.
    private func requireDirectory(_ context: Context) throws -> (UserPrincipal, Int64) {
        let user = try context.caller.requireAuthenticated()
        try engine.require(.user(user), .userList, .collection)
        guard let organisation = user.keyOrganisationID else {
            // `user.list` allows only with a key organisation; kept as a guard, not a trap.
            throw APIError(.forbidden, detail: "The user directory needs a key issued in an organisation.")
        }
        return (user, organisation)
    }
}
