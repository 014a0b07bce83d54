import Hummingbird

/// Adds the security headers of SPEC §7 to every response: a strict Content-Security-Policy
/// (kept if the route set its own), `X-Content-Type-Options: nosniff`, and framing and
/// referrer protection. The server sends no `Server` header (see ``buildApplication``).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = SecurityHeaders.contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[SecurityHeaders.frameOptions] = "DENY"
        response.headers[SecurityHeaders.referrerPolicy] = "no-referrer"
        return response
    }
}

/// The values ``SecurityHeadersMiddleware`` sets.
enum SecurityHeaders {
    /// JSON needs nothing: no scripts, styles, frames, forms or base URIs.
    static let contentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
}
