extension Tier {
    /// Whether keys of users on this tier may call the API at all.
    @inlinable
    public var hasAPIAccess: Bool { self != .free }

    /// The most active keys a user on this tier may hold (SPEC §2); `nil` means unlimited.
    @inlinable
    public var activeKeyLimit: Int? {
        switch self {
        case .free: return 0
        case .pro: return 5
        case .team: return 10
        case .organisation: return 20
        case .enterprise: return nil
        }
    }

    /// Whether keys on this tier may carry capabilities beyond `view`.
    @inlinable
    public var allowsWriteCapabilities: Bool { self == .organisation || self == .enterprise }
}
