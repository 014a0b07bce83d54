import Hummingbird
import PluginKit
import Policy
import TemplatesPolicy

/// The template routes: `GET /api/question-group-templates/` and
/// `GET /api/question-group-templates/{id}/`.
///
/// The list is filtered in SQL by the engine's visibility predicate for `template.list`; an
/// object is shown only if `template.retrieve` allows it. A template the caller may not see
/// answers 404, exactly like one that does not exist (SPEC §4).
struct TemplateController<Context: PluginRequestContext>: Sendable {
    let repository: TemplateRepository
    let engine: PolicyEngine

    func register(on routes: RouteTable<Context>) {
        routes.on("/api/question-group-templates/", method: .get, .action(.templateList), documented: TemplatesPlugin.openAPI.operation("listTemplates")) { request, context in try await list(request, context) }
        routes.on("/api/question-group-templates/{id}/", method: .get, .action(.templateRetrieve, object: "id"), documented: TemplatesPlugin.openAPI.operation("retrieveTemplate")) { _, context in try await retrieve(context) }
    }

    /// The visible templates, filtered and ordered as the query asks; paged with `?limit=`/`?offset=`.
    func list(_ request: Request, _ context: Context) async throws -> Response {
        let user = try context.caller.requireAuthenticated()
        try engine.require(.user(user), .templateList, .collection)
        let query = try TemplateListQuery(StrictQuery(request))
        let predicate = engine.visibility(.user(user), for: .templateList)
        return Response.json(body: try await ListResponse.body(
            for: request,
            base: repository.visibleQuery(predicate, filters: query),
            orderBy: query.ordering.sql,
            pool: repository.pool,
            decode: { row, first in try TemplateRecord(row: row, from: first, callerID: user.userID) }
        ))
    }

    /// One template: 200 when visible; 404 when it does not exist or the caller may not see it.
    func retrieve(_ context: Context) async throws -> Response {
        let user = try context.caller.requireAuthenticated()
        // Denials that do not depend on the object (capability, tier) answer 403 as on the list.
        try engine.require(.user(user), .templateList, .collection)
        let id = try ObjectID.int64("id", in: context)
        let found = try await repository.find(id: id, callerID: user.userID)
        return .json(try engine.requireObject(found, .user(user), .templateRetrieve, facts: \.facts))
    }
}
