import Hummingbird
import Logging
import PluginKit
import Vault

/// Establishes the caller from the request's credentials (SPEC §3).
///
/// `Authorization: Bearer ct_live_…` is checked by the vault: a malformed, unknown or revoked
/// key, or one of an inactive user → 401 "Invalid API key."; an expired key → 401 "API key has
/// expired."; a valid key of a free-tier user → 403. Any other `Authorization` value is refused
/// as an invalid key rather than silently ignored. No credentials → anonymous; each route
/// decides whether it serves anonymous callers. A database outage → 503, never 500.
struct AuthenticationMiddleware<Context: PluginRequestContext>: RouterMiddleware {
    let vault: Vault

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.caller = try await authenticate(request)
        return try await next(request, context)
    }

    func authenticate(_ request: Request) async throws -> Caller {
        let values = request.headers[values: .authorization]
        guard !values.isEmpty else {
            // TODO(issue 6): an `authtoken` header resolves a session here, like a key.
            return .anonymous
        }
        guard values.count == 1, let presented = Self.bearerToken(values[0]) else { throw APIError.invalidKey }
        // A database outage propagates; `JSONErrorMiddleware` answers it with 503.
        let verification = try await vault.verify(presented)
        switch verification.status {
        case .valid:
            guard let key = verification.found else { throw APIError.invalidKey }
            return .key(key)
        case .expired:
            throw APIError.expiredKey
        case .tierNoAPIAccess:
            throw APIError.freeTier
        case .malformed, .notFound, .revoked, .userInactive:
            throw APIError.invalidKey
        }
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or `nil` for anything else.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
