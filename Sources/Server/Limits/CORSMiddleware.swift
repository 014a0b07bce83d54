import Hummingbird
import PluginKit

/// Cross-origin access for exactly the configured origins (`CORS_ALLOWED_ORIGINS`, SPEC §7);
/// without origins the server adds no CORS headers at all.
///
/// A request from an allowed origin gets `Access-Control-Allow-Origin` with that origin (and
/// `Vary: Origin`), so browsers let the page read the answer, errors included. A preflight
/// (`OPTIONS` with `Access-Control-Request-Method`) from an allowed origin is answered 204 with
/// the methods and headers the API takes; from any other origin it is refused with 403 and no
/// CORS headers. Credentials travel in headers, never cookies, so `Allow-Credentials` is not sent.
struct LatchkeyCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin] else { return try await next(request, context) }
        let allowed = allowedOrigins.contains(origin)
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                return APIError(.forbidden, detail: "Origin not allowed.", code: "CORS_ORIGIN_NOT_ALLOWED").response()
            }
            var response = Response(status: .noContent)
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlAllowMethods] = CORSValues.allowedMethods
            response.headers[.accessControlAllowHeaders] = CORSValues.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
            response.headers[.vary] = "Origin"
            return response
        }
        var response = try await next(request, context)
        // Whether the answer carries CORS headers depends on Origin: caches must key on it.
        response.headers.append(HTTPFields.Element(name: .vary, value: "Origin"))
        if allowed {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = CORSValues.exposedHeaders
        }
        return response
    }
}

/// The values ``LatchkeyCORSMiddleware`` sends.
enum CORSValues {
    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowedHeaders = "Authorization, authtoken, Content-Type, X-CSRFToken"
    static let exposedHeaders = "RateLimit-Policy, RateLimit, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, WWW-Authenticate, Allow, X-Request-ID"
}
