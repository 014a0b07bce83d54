import Hummingbird
import PluginKit

/// Abuse resistance (issue 13, SPEC §2–§3): failed authentications count against the client's
/// address, and past the limit the answer is 429 without touching PostgreSQL — so a flood of
/// well-formed unknown keys, random `authtoken`s or bad service credentials from one client
/// costs at most the limit in database round trips per window, not one per request.
///
/// Only requests that carry credentials are guarded; only refusals with 401 count (a free-tier
/// key is valid, just refused). Nothing is remembered about the credentials themselves, so a key
/// issued a moment ago works at once on every instance. With throttling off, nothing is counted.
struct FailedAuthentications: Sendable {
    /// `nil` when throttling is off.
    let limiter: RateLimiter?

    /// Runs `authenticate` for a request from `clientIP`, unless that address is over its limit
    /// of failures (then 429 at once); counts the attempt when it ends in a 401.
    func guarding<Result>(clientIP: String?, _ authenticate: () async throws -> Result) async throws -> Result {
        guard let limiter else { return try await authenticate() }
        let identity = ThrottleIdentity.client(clientIP)
        let current = limiter.peek(identity)
        if !current.allowed {
            var headers = ThrottleMiddleware<LatchkeyRequestContext>.headers(current, of: limiter)
            headers[.retryAfter] = String(current.resetSeconds)
            throw APIError(
                .tooManyRequests,
                detail: "Too many failed authentications from this address. Expected available in \(current.resetSeconds) seconds.",
                code: "THROTTLED",
                headers: headers)
        }
        do {
            return try await authenticate()
        } catch let error as APIError where error.status == .unauthorized {
            _ = limiter.hit(identity)
            throw error
        }
    }
}
