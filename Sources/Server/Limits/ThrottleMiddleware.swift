import Hummingbird
import NIOConcurrencyHelpers
import PluginKit
import Vault

/// The rate limiters of one server: anonymous callers per IP (IPv6 per /64), authenticated
/// callers per key (a session counts against its key), the legacy token endpoint per IP, and
/// failed authentications per IP.
final class Throttle: Sendable {
    let anonymous: RateLimiter
    let user: RateLimiter
    let legacyToken: RateLimiter
    /// Failed authentications per address (``FailedAuthentications``).
    let failedAuthentication: RateLimiter
    /// One limiter per rate keys set for themselves (SPEC §15), made when first needed.
    private let keyLimiters = NIOLockedValueBox<[KeyRateLimit: RateLimiter]>([:])
    private let shared: SharedThrottleCounts?

    init(settings: ThrottleSettings, shared: SharedThrottleCounts? = nil) {
        self.shared = shared
        anonymous = RateLimiter(rate: settings.anonymous, name: "anonymous", shared: shared)
        user = RateLimiter(rate: settings.user, name: "user", shared: shared)
        legacyToken = RateLimiter(rate: settings.legacyToken, name: "token", shared: shared)
        failedAuthentication = RateLimiter(rate: settings.failedAuthentication ?? settings.anonymous, name: "failed-auth", shared: shared)
    }

    /// The limiter a key counts against: its own rate (policy `key`, counted per key like the
    /// authenticated one), else the authenticated rate.
    func limiter(for key: KeyRecord) -> RateLimiter {
        guard let own = key.rateLimit else { return user }
        return keyLimiters.withLockedValue { limiters in
            if let limiter = limiters[own] { return limiter }
            let limiter = RateLimiter(rate: ThrottleRate(limit: own.limit, seconds: own.seconds), name: "key", shared: shared)
            limiters[own] = limiter
            return limiter
        }
    }
}

/// Counts each request against its caller's limit (SPEC §7). Every answer of a throttled route
/// carries `RateLimit-Policy` and `RateLimit` (IETF draft -10), and `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset`; over the limit the
/// answer is 429 with `Retry-After`, and the route does not run.
struct ThrottleMiddleware<Context: PluginRequestContext>: RouterMiddleware {
    enum Scope: Sendable {
        /// Per key when authenticated, else per IP.
        case caller
        /// The legacy `POST /api/token`: per IP at its own rate.
        case legacyToken
    }

    let throttle: Throttle
    let scope: Scope

    /// The middleware a route throttled per caller goes through: none when throttling is off.
    static func perCaller(_ throttle: Throttle?) -> [any MiddlewareProtocol<Request, Response, Context>] {
        throttle.map { [ThrottleMiddleware(throttle: $0, scope: .caller)] } ?? []
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var address: ThrottleIdentity { .client(context.clientIP) }
        let limiter: RateLimiter
        let identity: ThrottleIdentity
        switch scope {
        case .legacyToken:
            (limiter, identity) = (throttle.legacyToken, address)
        case .caller:
            if let key = context.caller.verifiedKey {
                (limiter, identity) = (throttle.limiter(for: key.key), .key(key.key.id))
            } else {
                (limiter, identity) = (throttle.anonymous, address)
            }
        }
        let fields = try Self.hit(limiter, identity)
        do {
            var response = try await next(request, context)
            response.headers.append(contentsOf: fields)
            return response
        } catch var error as APIError {
            error.headers.append(contentsOf: fields)
            throw error
        }
    }

    /// Counts one request of `identity` against `limiter`: the `RateLimit` fields for the
    /// answer, or the 429 (with them and `Retry-After`) when over the limit.
    static func hit(_ limiter: RateLimiter, _ identity: ThrottleIdentity) throws -> HTTPFields {
        let outcome = limiter.hit(identity)
        let fields = headers(outcome, of: limiter)
        guard outcome.allowed else {
            var headers = fields
            headers[.retryAfter] = String(outcome.resetSeconds)
            throw APIError(
                .tooManyRequests,
                detail: "Request was throttled. Expected available in \(outcome.resetSeconds) seconds.",
                code: "THROTTLED",
                headers: headers
            )
        }
        return fields
    }

    /// The IETF draft's `RateLimit-Policy` and `RateLimit` structured fields, and the older
    /// `RateLimit-Limit`/`-Remaining`/`-Reset` trio beside them.
    static func headers(_ outcome: RateLimiter.Outcome, of limiter: RateLimiter) -> HTTPFields {
        [
            HeaderName.rateLimitPolicy: limiter.policyText,
            HeaderName.rateLimit: "\"\(limiter.name)\";r=\(outcome.remaining);t=\(outcome.resetSeconds)",
            HeaderName.rateLimitLimit: limiter.limitText,
            HeaderName.rateLimitRemaining: String(outcome.remaining),
            HeaderName.rateLimitReset: String(outcome.resetSeconds),
        ]
    }
}
