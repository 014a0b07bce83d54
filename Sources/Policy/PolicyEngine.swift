/// Answers every authorization question of Latchkey by dispatching to the registered
/// ``PolicyRules``: the resource API and the decision API both call it, so they cannot disagree.
///
/// The engine knows no resource: plugins register their rules. Its own guarantees hold for every
/// rule set: an action no rule handles is denied (`DENY_UNKNOWN_ACTION`), a free-tier user is
/// denied everything (`DENY_TIER`), and a confined key reaches nothing outside its organisation
/// or team (`DENY_OUTSIDE_ORGANISATION`, `DENY_OUTSIDE_TEAM`, see `Confinement.swift`). Built once at start-up, then read concurrently.
public struct PolicyEngine: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline let resource: ResourceType
        @usableFromInline let verbs: ContiguousArray<Verb>
        @usableFromInline let rules: any PolicyRules
    }

    @usableFromInline
    var entries: ContiguousArray<Entry> = []

    /// An engine with the given rule sets registered in order.
    public init(rules: [any PolicyRules] = []) {
        for ruleSet in rules { register(ruleSet) }
    }

    /// Registers a rule set. Registering two rule sets for the same action, or a rule set whose
    /// actions span several resource types, is a programming error and traps.
    public mutating func register(_ rules: any PolicyRules) {
        let actions = rules.actions
        guard let resource = actions.first?.resource else { return }
        precondition(actions.allSatisfy { $0.resource == resource },
                     "a PolicyRules value must handle actions of one resource type")
        for action in actions {
            precondition(self.rules(for: action) == nil, "two rule sets registered for \(action)")
        }
        entries.append(Entry(resource: resource, verbs: ContiguousArray(actions.map(\.verb)), rules: rules))
    }

    /// Every action some registered rule set handles, in registration order.
    public var actions: [Action] {
        entries.flatMap { entry in entry.verbs.map { Action(entry.resource, $0) } }
    }

    /// The rule set handling `action`, if any.
    @inlinable
    public func rules(for action: Action) -> (any PolicyRules)? {
        // Compare in place: copying an entry would retain its rules and verbs.
        entries.withUnsafeBufferPointer { buffer -> (any PolicyRules)? in
            for index in buffer.indices where buffer[index].resource == action.resource {
                let found = buffer[index].verbs.withUnsafeBufferPointer { verbs in
                    verbs.contains { $0 == action.verb }
                }
                if found { return buffer[index].rules }
            }
            return nil
        }
    }

    /// Decides whether `principal` may perform `action` on `object`. Never throws, never
    /// blocks, allocates nothing for the built-in rules.
    @inlinable
    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, object: Object) -> Decision {
        guard let rules = rules(for: action) else { return .unknownAction }
        guard case .user(let user) = principal else { return rules.decide(principal, action, object) }
        if !user.tier.hasAPIAccess, !rules.admitsFreeTier(action) { return .freeTier }
        let decision = rules.decide(principal, action, object)
        if let confinement = user.confinement, !decision.isCredentialDenial, !object.isWithin(confinement) {
            return .outside(confinement)
        }
        return decision
    }

    /// Decides whether `principal` may perform `action` on `resource`.
    @inlinable
    public func decide(_ principal: Principal, _ action: Action, _ resource: Resource) -> Decision {
        switch resource {
        case .collection: return decide(principal, action, object: NoObject())
        case .object(let facts): return decide(principal, action, object: facts)
        }
    }

    /// Decides an action given as a SPEC string such as `survey.retrieve`; a malformed string is
    /// an unknown action.
    public func decide(_ principal: Principal, _ action: String, _ resource: Resource) -> Decision {
        guard let parsed = Action(action) else { return .unknownAction }
        return decide(principal, parsed, resource)
    }

    /// The visibility predicate for a list action, simplified; `.none` when the action is
    /// unknown, is not a list action, or the caller may not list at all. Evaluated against each
    /// object it gives exactly the objects whose per-object read decision allows.
    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate {
        guard let rules = rules(for: action) else { return .none }
        guard let visible = rules.visibility(principal, for: action) else { return .none }
        guard case .user(let user) = principal else { return visible.simplified() }
        if !user.tier.hasAPIAccess { return .none }
        guard let confinement = user.confinement else { return visible.simplified() }
        return VisibilityPredicate.and([visible, .within(confinement)]).simplified()
    }

    /// Decides a list action about one object (SPEC §6): whether the object is among the rows
    /// the list shows `principal` — the list's own decision, then its visibility predicate on
    /// the object's facts. About no object, the list's decision.
    public func decide(_ principal: Principal, listing action: Action, row: Resource) -> Decision {
        let decision = decide(principal, action, .collection)
        guard decision.isAllowed, row.facts != nil else { return decision }
        if case .user(let user) = principal, let confinement = user.confinement, !row.isWithin(confinement) {
            return .outside(confinement)
        }
        guard visibility(principal, for: action).evaluate(on: row) else {
            return .deny(.denyNotMember, "The object is not among the rows this list shows the caller.")
        }
        return decision
    }

    /// The candidates of a resource search (SPEC §6): a predicate admitting every object of
    /// the action's type on which `action` may be allowed — for a list action, its rows — and
    /// confined like every list. Each candidate is then decided, so a search answers exactly
    /// what evaluations would. `nil` when the action cannot be searched (unknown, a create, or
    /// its rules do not say).
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard let rules = rules(for: action) else { return nil }
        if action.verb == .list { return visibility(principal, for: action) }
        guard let scope = rules.searchScope(principal, for: action) else { return nil }
        guard case .user(let user) = principal else { return scope.simplified() }
        if !user.tier.hasAPIAccess, !rules.admitsFreeTier(action) { return VisibilityPredicate.none }
        guard let confinement = user.confinement else { return scope.simplified() }
        return VisibilityPredicate.and([scope, .within(confinement)]).simplified()
    }
}
