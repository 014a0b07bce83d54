import Hummingbird

/// Answers 404 for a path whose `{id}` is not an object id, before anything else of the route
/// runs — credentials included (SPEC §3), as Django's `<int:pk>` routes never match it.
///
/// ``RouteTable`` puts it in front of every route whose path captures `{id}`, and of no other.
struct ObjectIDShapeMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = context.parameters.get("id"), ObjectID.int64(id) != nil else { throw APIError.notFound }
        return try await next(request, context)
    }
}
