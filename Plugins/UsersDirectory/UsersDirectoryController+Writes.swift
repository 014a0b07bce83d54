import Hummingbird
import PluginKit
import Policy
import UsersDirectoryPolicy
import Vault

/// The directory writes (SPEC §4 Users: adding or editing users needs `superuser`):
/// `POST /api/user/` adds a new user to the key's organisation; `PUT`/`PATCH /api/user/{id}/`
/// edits a user of it (names, email, activity, role there); `DELETE /api/user/{id}/` removes
/// the user from it. Who may do what is `UsersDirectoryRules` (owner, staff, oneself, shared
/// accounts). A user outside the key's organisation is 404, as on reads.
extension UsersDirectoryController {
    func registerWrites(on routes: RouteTable<Context>) {
        routes.writes(
            "/api/user/", object: "id", documented: UsersDirectoryPlugin.openAPI,
            WriteOperations(create: "createUser", replace: "replaceUser", update: "updateUser", delete: "removeUser"),
            create: .userCreate, update: .userUpdate, delete: .userDelete,
            creating: create, updating: { try await update($0, $1, partial: $2) }, deleting: remove)
    }

    /// 201 with the new user.
    func create(_ request: Request, _ context: Context) async throws -> Response {
        let (actor, organisation) = try writer(context, .userCreate)
        try engine.require(.user(actor.user), .userCreate, .collection)
        let draft = try await UsersDirectoryDraft().applying(request, required: "username", "email")
        let user = try await repository.insert(draft, organisationID: organisation, by: actor)
        var response = Response.json(user, status: .created)
        response.headers[.location] = "/api/user/\(user.id)/"
        return response
    }

    /// 200 with the edited user. `PUT` needs `email`; `PATCH` takes any subset.
    func update(_ request: Request, _ context: Context, partial: Bool) async throws -> Response {
        let (actor, organisation) = try writer(context, .userUpdate)
        let id = try ObjectID.int64("id", in: context)
        let (stored, facts) = try await requireMember(id, of: organisation, .userUpdate, actor.user)
        let draft = try await UsersDirectoryDraft(stored).applying(request, required: "email", partial: partial)
        guard draft.username == stored.username else { throw JSONBody.invalid("'username' cannot be changed") }
        var change = facts
        change.changes = draft.changes(from: UsersDirectoryDraft(stored))
        try engine.require(.user(actor.user), .userUpdate, .user(change))
        return .json(try await repository.update(id: id, to: draft, organisationID: organisation, by: actor, vault: vault))
    }

    /// 204 once the user is no longer in the organisation.
    func remove(_ context: Context) async throws -> Response {
        let (actor, organisation) = try writer(context, .userDelete)
        let id = try ObjectID.int64("id", in: context)
        try await requireMember(id, of: organisation, .userDelete, actor.user)
        try await repository.remove(id: id, organisationID: organisation, by: actor, vault: vault)
        return Response(status: .noContent)
    }

    /// The writer and the key's organisation, once the key may write the directory at all
    /// (authenticated, `superuser`, an organisation context it still belongs to).
    private func writer(_ context: Context, _ action: Action) throws -> (WriteActor, Int64) {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: action)
        try engine.require(.user(actor.user), .userList, .collection)
        guard let organisation = actor.user.keyOrganisationID else {
            throw APIError(.forbidden, detail: "The user directory needs a key issued in an organisation.")
        }
        return (actor, organisation)
    }
}
