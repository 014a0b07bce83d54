extension Principal {
    /// The checks every authenticated rule starts with: credentials, tier, then key capability.
    /// The refusal, or `nil` when an authenticated user on a paid tier holds `capability` (if any).
    /// With `anyTier`, a free-tier user passes too (rules that ``PolicyRules/admitsFreeTier(_:)``).
    @inlinable
    public func denial(requiring capability: Capability?, anyTier: Bool = false) -> Decision? {
        guard case .user(let user) = self else { return .anonymous }
        guard anyTier || user.tier.hasAPIAccess else { return .freeTier }
        if let capability, !user.capabilities.contains(capability) { return .missing(capability) }
        return nil
    }

    /// The refusal of ``denial(requiring:)``, or else what `rule` decides for the user. The user
    /// is lent to `rule`, not copied: this runs once per item of a batch.
    @inlinable
    public func gate(requiring capability: Capability?, anyTier: Bool = false, _ rule: (UserPrincipal) -> Decision) -> Decision {
        if let denial = denial(requiring: capability, anyTier: anyTier) { return denial }
        guard case .user(let user) = self else { return .anonymous }
        return rule(user)
    }

    /// The user, when ``denial(requiring:)`` lets them pass.
    @inlinable
    public func passing(_ capability: Capability?) -> UserPrincipal? {
        guard denial(requiring: capability) == nil, case .user(let user) = self else { return nil }
        return user
    }
}
