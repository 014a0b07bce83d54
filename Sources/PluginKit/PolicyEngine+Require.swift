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
        // The role alone: neither the key's capability nor its per-type permissions (SPEC §15)
        // — the write itself has passed them.
        user.permissions = nil
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

extension PolicyEngine {
    /// The object `found` once `principal` may perform `action` on it, judged on `facts(found)`;
    /// otherwise throws what the resource API answers (SPEC §4):
    /// - no object (`nil`): 404;
    /// - an object the caller may not see: as `hidden` says — 404 as if it did not exist (the
    ///   default), where seeing it is `<type>.retrieve`, or the 403 of the denial (401 for an
    ///   anonymous caller);
    /// - an object the caller sees but may not act on: the 403 of the `action` denial.
    ///
    /// Checks that do not depend on the object (authentication, the key's capability) come
    /// before the lookup, in the route. Allocates nothing: the facts are judged as they are.
    @inlinable
    public func requireObject<Found, Facts: ResourceFacts>(
        _ found: Found?, _ principal: Principal, _ action: Action, hidden: HiddenObject = .notFound, facts: (Found) -> Facts
    ) throws -> Found {
        guard let found else { throw APIError.notFound }
        let object = facts(found)
        let isRetrieve = action.verb == .retrieve
        if hidden == .notFound, !isRetrieve, !decide(principal, Action(action.resource, .retrieve), object: object).isAllowed {
            throw APIError.notFound
        }
        let decision = decide(principal, action, object: object)
        guard decision.isAllowed else { throw hidden == .notFound && isRetrieve ? APIError.notFound : APIError.denied(decision) }
        return found
    }
}
