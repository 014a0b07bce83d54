/// A request rate such as `60/min`: at most `limit` requests per `window` (SPEC §7, §9).
public struct ThrottleRate: Sendable, Equatable, CustomStringConvertible {
    public var limit: Int
    public var seconds: Int

    public init(limit: Int, seconds: Int) {
        self.limit = limit
        self.seconds = seconds
    }

    /// Parses `N/unit`, where unit is `s`, `sec`, `second`, `m`, `min`, `minute`, `h`, `hour`,
    /// `d` or `day`, optionally with a count (`10/30s`), as Django REST Framework rates read.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let limit = Int(parts[0]), limit > 0, limit <= 1_000_000_000 else { return nil }
        let period = parts[1].lowercased()
        let digits = period.prefix { $0.isASCII && $0.isNumber }
        let unit = period.dropFirst(digits.count)
        let count = digits.isEmpty ? 1 : Int(digits) ?? 0
        let unitSeconds: Int
        switch unit {
        case "s", "sec", "second", "seconds": unitSeconds = 1
        case "m", "min", "minute", "minutes": unitSeconds = 60
        case "h", "hour", "hours": unitSeconds = 3600
        case "d", "day", "days": unitSeconds = 86400
        default: return nil
        }
        guard count > 0, count <= 366 else { return nil }
        self.init(limit: limit, seconds: count * unitSeconds)
    }

    public var description: String { "\(limit)/\(seconds)s" }

    /// SPEC §7: anonymous callers, per IP.
    public static let anonymousDefault = ThrottleRate(limit: 60, seconds: 60)
    /// SPEC §7: authenticated callers, per key.
    public static let userDefault = ThrottleRate(limit: 120, seconds: 60)
    /// SPEC §5: the legacy `POST /api/token`, per IP.
    public static let legacyTokenDefault = ThrottleRate(limit: 5, seconds: 60)
}

/// Throttling settings (SPEC §7, §9): on by default.
public struct ThrottleSettings: Sendable {
    public var enabled: Bool
    public var anonymous: ThrottleRate
    public var user: ThrottleRate
    public var legacyToken: ThrottleRate
    /// Failed authentications per IP (`LATCHKEY_THROTTLE_FAILED_AUTH`); `nil`: the anonymous rate.
    public var failedAuthentication: ThrottleRate?

    public init(
        enabled: Bool = true,
        anonymous: ThrottleRate = .anonymousDefault,
        user: ThrottleRate = .userDefault,
        legacyToken: ThrottleRate = .legacyTokenDefault,
        failedAuthentication: ThrottleRate? = nil
    ) {
        self.enabled = enabled
        self.anonymous = anonymous
        self.user = user
        self.legacyToken = legacyToken
        self.failedAuthentication = failedAuthentication
    }

    /// No throttling (benchmarks, tests that are not about throttling).
    public static let off = ThrottleSettings(enabled: false)
}
