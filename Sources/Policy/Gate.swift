/// The checks every authenticated rule starts with: credentials, tier, then key capability.
@usableFromInline
enum Gate {
    /// The caller passed; the rule continues with the user.
    case pass(UserPrincipal)
    /// The caller is refused with this decision.
    case deny(Decision)
}

extension Principal {
    /// Requires an authenticated user on a paid tier whose key holds `capability` (if any).
    @inlinable
    func gate(requiring capability: Capability?) -> Gate {
        guard case .user(let user) = self else { return .deny(.anonymous) }
        guard user.tier.hasAPIAccess else { return .deny(.freeTier) }
        if let capability, !user.capabilities.contains(capability) {
            return .deny(.missing(capability))
        }
        return .pass(user)
    }
}
