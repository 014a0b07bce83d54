/// How one use of a known key ended (SPEC §13): the column of the usage it is counted in.
public enum UsageOutcome: Int, Sendable, Hashable, CaseIterable {
    /// Authenticated and served (whatever the answer, unless refused as below).
    case valid
    /// The key was past its expiry.
    case expired
    /// The key was revoked (or confined where its user no longer belongs).
    case revoked
    /// The key was refused for its owner's tier, an inactive owner, or its organisation's policy.
    case blocked
    /// The key was used from outside its allowlist.
    case ipNotAllowed
    /// The key was over its rate limit.
    case rateLimited
    /// The key authenticated, but the action was refused.
    case denied

    /// The outcome's name in the API and in `key_usage.outcome`.
    public var name: String {
        switch self {
        case .valid: "valid"
        case .expired: "expired"
        case .revoked: "revoked"
        case .blocked: "blocked"
        case .ipNotAllowed: "ip_not_allowed"
        case .rateLimited: "rate_limited"
        case .denied: "denied"
        }
    }

    /// The outcome named `name`, if any.
    public init?(name: String) {
        guard let outcome = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = outcome
    }
}

/// A count per outcome, in ``UsageOutcome`` order.
public struct UsageCounts: Sendable, Hashable {
    /// The counts, one lane per outcome (the eighth lane is unused).
    private var lanes = SIMD8<Int64>()

    public init() {}

    public subscript(outcome: UsageOutcome) -> Int64 {
        get { lanes[outcome.rawValue] }
        set { lanes[outcome.rawValue] = newValue }
    }

    /// Every use, whatever its outcome.
    public var total: Int64 { lanes.wrappedSum() }

    /// Every use that was refused (every outcome but `valid`).
    public var refused: Int64 { total - self[.valid] }

    /// Whether no use is counted.
    public var isEmpty: Bool { lanes == SIMD8() }

    public static func += (lhs: inout UsageCounts, rhs: UsageCounts) {
        lhs.lanes &+= rhs.lanes
    }
}
