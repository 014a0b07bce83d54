import HTTPTypes
import Hummingbird

/// Counts a sign-in or MFA submission against its client's address (SPEC §10, §7). The server's
/// rate limiter decides (per address at the anonymous rate, shared between instances); the
/// console only answers the verdict.
public struct ConsoleThrottle: Sendable {
    /// What the limiter said about one submission.
    public struct Verdict: Sendable {
        /// Whether the submission may be handled.
        public var allowed: Bool
        /// Seconds until the address's window resets (`Retry-After` when refused).
        public var retryAfter: Int
        /// The `RateLimit` fields every throttled answer carries.
        public var headers: HTTPFields

        public init(allowed: Bool, retryAfter: Int, headers: HTTPFields) {
            self.allowed = allowed
            self.retryAfter = retryAfter
            self.headers = headers
        }
    }

    let count: @Sendable (_ clientIP: String?) -> Verdict

    /// - Parameter count: counts one submission from `clientIP` and judges it; must not block.
    public init(_ count: @escaping @Sendable (_ clientIP: String?) -> Verdict) {
        self.count = count
    }
}

extension Console {
    /// Runs `page` for a sign-in or MFA submission unless the client's address is over its
    /// limit: then a 429 page with `Retry-After`, and nothing is read or checked.
    func throttled(_ context: Context, _ page: () async throws -> Response) async throws -> Response {
        guard let throttle = dependencies.throttle else { return try await page() }
        let verdict = throttle.count(context.clientIP)
        guard verdict.allowed else {
            var response = pages.message(
                "Too many attempts",
                "Too many sign-in attempts from this address. Try again in \(verdict.retryAfter) second\(verdict.retryAfter == 1 ? "" : "s").",
                status: .tooManyRequests)
            response.headers.append(contentsOf: verdict.headers)
            response.headers[.retryAfter] = String(verdict.retryAfter)
            return response
        }
        var response = try await page()
        response.headers.append(contentsOf: verdict.headers)
        return response
    }
}
