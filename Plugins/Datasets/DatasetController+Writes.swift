import Hummingbird
import PluginKit
import Policy
import DatasetsPolicy

/// The dataset writes (SPEC §4): `POST /api/datasets/`, `PUT`/`PATCH`/`DELETE /api/datasets/{key}/`.
///
/// Only organisation datasets change, by an `admin`/`creator` of the organisation (or its
/// owner) whose key holds `add`/`edit`/`delete`; `nhs_dd` and global datasets are read-only
/// (403), also as the target of an update. A dataset the caller cannot see is 404, as on reads.
extension DatasetController {
    func registerWrites(on routes: RouteTable<Context>) {
        routes.writes(
            "/api/datasets/", object: "key", documented: DatasetsPlugin.openAPI,
            WriteOperations(create: "createDataset", replace: "replaceDataset", update: "updateDataset", delete: "deleteDataset"),
            create: .datasetCreate, update: .datasetUpdate, delete: .datasetDelete,
            creating: create, updating: { try await update($0, $1, partial: $2) }, deleting: delete)
    }

    /// 201 with the new dataset.
    func create(_ request: Request, _ context: Context) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .datasetCreate)
        let draft = try await DatasetDraft().applying(request, required: "key", "name")
        try engine.require(.user(actor.user), .datasetCreate, .dataset(draft.facts(createdBy: actor.user.userID)))
        _ = try await WriteTargets.require(organisation: draft.organisationID, team: draft.teamID, pool: repository.pool)
        let dataset = try await repository.insert(draft, by: actor)
        var response = Response.json(DatasetPermissions(engine: engine, caller: context.caller).annotate(dataset), status: .created)
        response.headers[.location] = "/api/datasets/\(dataset.key)/"
        return response
    }

    /// 200 with the updated dataset. `PUT` needs `name`; `PATCH` takes any subset; `key` is
    /// fixed once created.
    func update(_ request: Request, _ context: Context, partial: Bool) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .datasetUpdate)
        let stored = try await requireDataset(try key(context), .datasetUpdate, .user(actor.user))
        let draft = try await DatasetDraft(stored).applying(request, required: "name", partial: partial)
        guard draft.key == stored.key else { throw JSONBody.invalid("'key' cannot be changed") }
        try engine.require(.user(actor.user), .datasetUpdate, .dataset(draft.facts(createdBy: stored.createdBy)))
        _ = try await WriteTargets.require(organisation: draft.organisationID, team: draft.teamID, pool: repository.pool)
        let dataset = try await repository.update(draft, by: actor)
        return .json(DatasetPermissions(engine: engine, caller: context.caller).annotate(dataset))
    }

    /// 204 once the dataset is gone.
    func delete(_ context: Context) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .datasetDelete)
        let stored = try await requireDataset(try key(context), .datasetDelete, .user(actor.user))
        try await repository.delete(stored, by: actor)
        return Response(status: .noContent)
    }
}
