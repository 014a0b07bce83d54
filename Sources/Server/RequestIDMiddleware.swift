import Hummingbird

/// Every answer carries `X-Request-ID`: the client's own when it is sane (1–200 printable ASCII
/// characters), else the id Hummingbird gave the request. The same id is the
/// request's `hb.request.id` in every log line, so a caller's report finds its log lines.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let given = request.headers[HeaderName.requestID], Self.isSane(given) {
            context.logger[metadataKey: "hb.request.id"] = .string(given)
        }
        let id = context.id
        var response = try await next(request, context)
        response.headers[HeaderName.requestID] = id
        return response
    }

    /// 1–200 printable ASCII characters: UUIDs, base64 and trace ids pass; nothing that could
    /// break a log line (control characters, line breaks) or hide in one (non-ASCII) does.
    static func isSane(_ id: String) -> Bool {
        (1...200).contains(id.utf8.count) && id.utf8.allSatisfy { (0x20...0x7e).contains($0) }
    }
}
