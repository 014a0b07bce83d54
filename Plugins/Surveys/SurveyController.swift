import Foundation
import Hummingbird
import PluginKit
import Policy
import SurveysPolicy
import Postgres

/// The survey routes: `GET /api/surveys/`, `GET /api/surveys/{id}/`,
/// `GET /api/surveys/{id}/metrics/responses/`.
///
/// Every answer comes from the policy engine: the list is filtered in SQL by the engine's
/// visibility predicate for `survey.list`; an object is shown only if `survey.retrieve` (or
/// `survey.metrics`) allows it, judged on facts that include the caller's survey role.
struct SurveyController<Context: PluginRequestContext>: Sendable {
    let repository: SurveyRepository
    let engine: PolicyEngine
    /// List bodies by key and request URI, when the repository's tables announce changes.
    let lists: ReadCache<ListKey, ByteBuffer>?

    struct ListKey: Hashable, Sendable {
        var key: UUID
        var uri: String
    }

    /// A survey that exists but that the caller may not see answers 403 (SPEC §4).
    static var hidden: HiddenObject { .forbidden }

    init(repository: SurveyRepository, engine: PolicyEngine) {
        self.repository = repository
        self.engine = engine
        lists = repository.changes.map { ReadCache(changes: $0, capacity: 1_000) }
    }

    func register(on routes: RouteTable<Context>) {
        routes.on("/api/surveys/", method: .get, .action(.surveyList), documented: SurveysPlugin.openAPI.operation("listSurveys")) { request, context in try await list(request, context) }
        routes.on("/api/surveys/{id}/", method: .get, .action(.surveyRetrieve, object: "id"), documented: SurveysPlugin.openAPI.operation("retrieveSurvey")) { _, context in try await retrieve(context) }
        routes.on("/api/surveys/{id}/metrics/responses/", method: .get, .action(.surveyMetrics, object: "id"), documented: SurveysPlugin.openAPI.operation("surveyResponseMetrics")) { _, context in try await metrics(context) }
        registerWrites(on: routes)
    }

    /// The surveys the caller may see, ordered by id; paged with `?limit=`/`?offset=`.
    func list(_ request: Request, _ context: Context) async throws -> Response {
        let user = try context.caller.requireAuthenticated()
        try engine.require(.user(user), .surveyList, .collection)
        let cacheKey = context.caller.verifiedKey.map { ListKey(key: $0.key.id, uri: request.uri.description) }
        if let cacheKey, let body = lists?.value(for: cacheKey) { return .json(body: body) }
        let generation = lists?.generation ?? 0
        let predicate = engine.visibility(.user(user), for: .surveyList)
        let body = try await ListResponse.body(
            for: request,
            base: repository.visibleQuery(predicate),
            orderBy: "id",
            pool: repository.pool,
            decode: SurveyRecord.init(row:from:)
        )
        // At most 1,000 bodies of at most 64 kB each are kept: ≤ 64 MB, whatever the queries.
        if let cacheKey, body.readableBytes <= 64 << 10 { lists?.store(body, for: cacheKey, readAt: generation) }
        return .json(body: body)
    }

    /// One survey: 200 when visible, 403 when it exists but is not, 404 when it does not exist.
    func retrieve(_ context: Context) async throws -> Response {
        let id = try ObjectID.int64("id", in: context)
        let user = try context.caller.requireAuthenticated()
        return .json(try await requireSurvey(id, .surveyRetrieve, user).survey)
    }

    /// Response counts of one survey, under the same rule as retrieve.
    func metrics(_ context: Context) async throws -> Response {
        let id = try ObjectID.int64("id", in: context)
        let user = try context.caller.requireAuthenticated()
        let found = try await repository.findWithMetrics(id: id, callerID: user.userID)
        return .json(try engine.requireObject(found, .user(user), .surveyMetrics, hidden: Self.hidden) { $0.survey.facts(for: user.userID, role: $0.role) }.metrics)
    }

    /// Survey `id` and the caller's role in it, once `action` on it is allowed: 404 when there
    /// is no such survey, 403 when the caller may not see it or act on it.
    func requireSurvey(_ id: Int64, _ action: Action, _ user: UserPrincipal) async throws -> (survey: SurveyRecord, role: SurveyRole?) {
        let found = try await repository.find(id: id, callerID: user.userID)
        return try engine.requireObject(found, .user(user), action, hidden: Self.hidden) { $0.survey.facts(for: user.userID, role: $0.role) }
    }
}
