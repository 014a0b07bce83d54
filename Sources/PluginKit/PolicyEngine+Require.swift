import Policy

extension PolicyEngine {
    /// Decides, and throws the matching ``APIError`` (401 or 403) unless the decision allows.
    @discardableResult
    public func require(_ principal: Principal, _ action: Action, _ resource: Resource) throws -> Decision {
        let decision = decide(principal, action, resource)
        guard decision.isAllowed else { throw APIError.denied(decision) }
        return decision
    }

    /// Throws the 403 unless the caller's roles allow `action` on `resource`, whatever the key's
    /// capability for it: for the second question a write asks (a move: may the caller delete
    /// the object where it is, and create it where it goes?) once its own capability has passed.
    public func requireRole(_ user: UserPrincipal, _ action: Action, _ resource: Resource) throws {
        var user = user
        if let capability = action.verb.requiredCapability { user.capabilities.insert(Capabilities(capability)) }
        try require(.user(user), action, resource)
    }

    /// The denial of the caller's credentials for `action` — authenticated, paid tier, the key's
    /// capability — judged before any object: `nil` when they pass. The resource API checks this
    /// before it looks the object up or reads the body (SPEC §4: the capability is checked
    /// first), and the decision API before it reports an object missing.
    public func capabilityDenial(_ principal: Principal, for action: Action) -> Decision? {
        let decision = decide(principal, action, .collection)
        // Every rule gates credentials before it looks at the resource, so only a gate denial
        // comes back as something other than a resource mismatch.
        return !decision.isAllowed && decision.code != .denyResourceMismatch ? decision : nil
    }

    /// Throws the 401/403 of ``capabilityDenial(_:for:)``, if any; the role is judged later, on
    /// the object's facts.
    public func requireCapability(_ principal: Principal, for action: Action) throws {
        if let denial = capabilityDenial(principal, for: action) { throw APIError.denied(denial) }
    }
}
