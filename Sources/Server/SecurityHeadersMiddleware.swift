import Hummingbird

/// Adds the security headers of SPEC §7 to every response: a strict Content-Security-Policy
/// (kept if the route set its own), `X-Content-Type-Options: nosniff`, and framing and
/// referrer protection; `Strict-Transport-Security` when the public URL is `https://`. The
/// server sends no `Server` header (see ``buildApplication``).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Whether `LATCHKEY_PUBLIC_URL` is `https://`: browsers are then told to use nothing else.
    var strictTransportSecurity = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if strictTransportSecurity {
            response.headers[SecurityHeaders.strictTransportSecurity] = SecurityHeaders.strictTransportSecurityValue
        }
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
    static let strictTransportSecurity = HTTPFields.Element.Name("Strict-Transport-Security")!
    /// One year, the figure browsers' preload lists ask for; no `includeSubDomains`, since the
    /// service's host may share a parent domain with sites it does not own (docs/DECISIONS.md).
    static let strictTransportSecurityValue = "max-age=31536000"
}
