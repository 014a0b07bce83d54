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
///
/// Plain integers rather than a SIMD vector: SIMD8 is over-aligned, and a value of it held
/// across an `await` corrupted the task allocator (seen with Swift 6.3 in debug builds).
public struct UsageCounts: Sendable, Hashable {
    private var counts: (Int64, Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0, 0)

    public init() {}

    public subscript(outcome: UsageOutcome) -> Int64 {
        get {
            switch outcome {
            case .valid: counts.0
            case .expired: counts.1
            case .revoked: counts.2
            case .blocked: counts.3
            case .ipNotAllowed: counts.4
            case .rateLimited: counts.5
            case .denied: counts.6
            }
        }
        set {
            switch outcome {
            case .valid: counts.0 = newValue
            case .expired: counts.1 = newValue
            case .revoked: counts.2 = newValue
            case .blocked: counts.3 = newValue
            case .ipNotAllowed: counts.4 = newValue
            case .rateLimited: counts.5 = newValue
            case .denied: counts.6 = newValue
            }
        }
    }

    /// Every use, whatever its outcome.
    public var total: Int64 { UsageOutcome.allCases.reduce(0) { $0 + self[$1] } }

    /// Every use that was refused (every outcome but `valid`).
    public var refused: Int64 { total - self[.valid] }

    /// Whether no use is counted.
    public var isEmpty: Bool { total == 0 }

    public static func += (lhs: inout UsageCounts, rhs: UsageCounts) {
        for outcome in UsageOutcome.allCases { lhs[outcome] += rhs[outcome] }
    }

    public static func == (lhs: UsageCounts, rhs: UsageCounts) -> Bool {
        UsageOutcome.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for outcome in UsageOutcome.allCases { hasher.combine(self[outcome]) }
    }
}
