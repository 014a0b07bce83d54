import Hummingbird

/// Every answer carries `X-Request-ID`: the client's own when it is sane (1–128 letters, digits,
/// `.`, `_`, `:` or `-`), else the id Hummingbird gave the request. The same id is the
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

    static func isSane(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }
}
