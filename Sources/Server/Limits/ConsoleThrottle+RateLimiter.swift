import Console

extension ConsoleThrottle {
    /// The console's sign-in and MFA submissions per client address at the anonymous rate
    /// (SPEC §10), counted in a policy of their own (`sign-in`, shared between instances like
    /// every limit), so browsing the API anonymously and signing in do not use up each other.
    static func signIn(settings: ThrottleSettings, shared: SharedThrottleCounts?) -> ConsoleThrottle {
        let limiter = RateLimiter(rate: settings.anonymous, name: "sign-in", shared: shared)
        return ConsoleThrottle { clientIP in
            let outcome = limiter.hit(.client(clientIP))
            return Verdict(
                allowed: outcome.allowed, retryAfter: outcome.resetSeconds,
                headers: ThrottleMiddleware<LatchkeyRequestContext>.headers(outcome, of: limiter))
        }
    }
}
