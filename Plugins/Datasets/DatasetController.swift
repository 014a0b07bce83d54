import Hummingbird
import PluginKit
import Policy
import DatasetsPolicy

/// The dataset routes: `GET /api/datasets/`, `GET /api/datasets/available-tags/`,
/// `GET /api/datasets/{key}/`.
///
/// Anonymous callers are served (global datasets only). The list and the tag counts are
/// filtered in SQL by the engine's visibility predicate for `dataset.list`; one dataset is shown
/// only if `dataset.retrieve` allows it, and anything not shown is 404, never 403.
struct DatasetController<Context: PluginRequestContext>: Sendable {
    let repository: DatasetRepository
    let engine: PolicyEngine

    func register(on routes: RouteTable<Context>) {
        routes.on("/api/datasets/", method: .get, .action(.datasetList), documented: DatasetsPlugin.openAPI.operation("listDatasets")) { request, context in try await list(request, context) }
        routes.on("/api/datasets/available-tags/", method: .get, .action(.datasetList), documented: DatasetsPlugin.openAPI.operation("datasetTags")) { _, context in try await availableTags(context) }
        routes.on("/api/datasets/{key}/", method: .get, .action(.datasetRetrieve, object: "key"), documented: DatasetsPlugin.openAPI.operation("retrieveDataset")) { _, context in try await retrieve(context) }
        registerWrites(on: routes)
    }

    /// The datasets the caller may see, filtered, ordered by category then name; paged with
    /// `?limit=`/`?offset=`.
    func list(_ request: Request, _ context: Context) async throws -> Response {
        let filters = try DatasetFilters(StrictQuery(request))
        let predicate = try visibility(context.caller)
        let permissions = DatasetPermissions(engine: engine, caller: context.caller)
        return Response.json(body: try await ListResponse.body(
            for: request,
            base: repository.visibleQuery(predicate, filters: filters),
            orderBy: DatasetRepository.ordering,
            pool: repository.pool,
            decode: { row, first in permissions.annotate(try DatasetRecord(row: row, from: first)) }
        ))
    }

    /// One dataset by key: 200 when visible, otherwise 404 (whether or not it exists).
    func retrieve(_ context: Context) async throws -> Response {
        let key = try key(context)
        let principal = context.caller.principal
        try engine.require(principal, .datasetList, .collection)
        let record = try await requireDataset(key, .datasetRetrieve, principal)
        return .json(DatasetPermissions(engine: engine, caller: context.caller).annotate(record))
    }

    /// The dataset key of the path; 404 when it cannot name one.
    func key(_ context: Context) throws -> String {
        guard let key = context.parameters.get("key"), DatasetRecord.isWellFormedKey(key) else { throw APIError.notFound }
        return key
    }

    /// Dataset `key`, once `principal` may perform `action` on it: 404 when there is no such
    /// dataset or the caller may not see it, 403 when the caller sees it but may not act on it.
    func requireDataset(_ key: String, _ action: Action, _ principal: Principal) async throws -> DatasetRecord {
        try engine.requireObject(try await repository.find(key: key), principal, action, facts: \.facts)
    }

    /// `{"tags":[{"tag","count"}]}` over the datasets the caller may see, most used first.
    func availableTags(_ context: Context) async throws -> Response {
        let predicate = try visibility(context.caller)
        return .json(DatasetTagCounts(tags: try await repository.tagCounts(predicate)))
    }

    /// The `dataset.list` visibility predicate, after the list itself is allowed (a key without
    /// `view` is refused with 403).
    private func visibility(_ caller: Caller) throws -> VisibilityPredicate {
        try engine.require(caller.principal, .datasetList, .collection)
        return engine.visibility(caller.principal, for: .datasetList)
    }
}
