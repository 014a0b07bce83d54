/// Answers every authorization question of Latchkey by dispatching to the registered
/// ``PolicyRules``: the resource API and the decision API both call it, so they cannot disagree.
///
/// The engine knows no resource: plugins register their rules. Its own guarantees hold for every
/// rule set: an action no rule handles is denied (`DENY_UNKNOWN_ACTION`), a free-tier user is
/// denied everything (`DENY_TIER`), and a confined key reaches nothing outside its organisation
/// or team (`DENY_OUTSIDE_ORGANISATION`, `DENY_OUTSIDE_TEAM`, see `Confinement.swift`), and a
/// fine-grained key nothing outside its permissions and selections (SPEC §15, see
/// ``KeyPermissions``). Built once at start-up, then read concurrently.
public struct PolicyEngine: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline let resource: ResourceType
        @usableFromInline let verbs: ContiguousArray<Verb>
        @usableFromInline let rules: any PolicyRules
        /// The rules' name in a key's permissions (SPEC §15), `nil` when they do not apply.
        @usableFromInline let permissionType: String?
        /// ``permissionType`` packed for comparison.
        @usableFromInline let permissionKey: PermissionTypeKey?
        /// The refusal of a key whose permissions do not name ``permissionType``, made once.
        @usableFromInline let noPermission: Decision
        /// The position of `create` in ``verbs``, if the rules handle it: the verb a selection
        /// refuses, found by the position ``PolicyEngine/position(of:)`` gives (no string
        /// comparison on the decision path).
        @usableFromInline let createPosition: Int?
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
        let permissionType = rules.permissionType
        if let permissionType {
            precondition(!permissionTypes.contains(permissionType), "two rule sets registered for permission type \(permissionType)")
        }
        entries.append(Entry(
            resource: resource, verbs: ContiguousArray(actions.map(\.verb)), rules: rules,
            permissionType: permissionType, permissionKey: permissionType.map(PermissionTypeKey.init),
            noPermission: Decision.noPermission.adding(reason: "Its permissions do not name \(permissionType ?? resource.rawValue)."),
            createPosition: actions.firstIndex { $0.verb == .create }))
    }

    /// The permission types of the registered rule sets (SPEC §15: `surveys`, `datasets`, …), in
    /// registration order: the names a key's `permissions` and `resources` may use.
    public var permissionTypes: [String] {
        entries.compactMap(\.permissionType)
    }

    /// The resource type whose rules go by permission type `type` (`surveys` → `survey`), or
    /// `nil` when no registered rule set does.
    public func resourceType(permissionType type: String) -> ResourceType? {
        entries.first { $0.permissionType == type }?.resource
    }

    /// The permission type of `resource`'s rules (`survey` → `surveys`), or `nil` when a key's
    /// permissions do not apply to it.
    public func permissionType(of resource: ResourceType) -> String? {
        entries.first { $0.resource == resource }?.permissionType
    }

    /// Throws unless every type `permissions` names is one of ``permissionTypes``.
    public func validate(_ permissions: KeyPermissions) throws(KeyPermissionsError) {
        let known = permissionTypes
        let unknown = permissions.types.filter { !known.contains($0) }
        if !unknown.isEmpty { throw .unknownTypes(unknown) }
    }

    /// Every action some registered rule set handles, in registration order.
    public var actions: [Action] {
        entries.flatMap { entry in entry.verbs.map { Action(entry.resource, $0) } }
    }

    /// The rule set handling `action`, if any.
    @inlinable
    public func rules(for action: Action) -> (any PolicyRules)? {
        entryIndex(for: action).map { entries[$0].rules }
    }

    /// The index of the entry handling `action`, if any.
    @inlinable @usableFromInline
    func entryIndex(for action: Action) -> Int? {
        position(of: action)?.entry
    }

    /// The index of the entry handling `action` and the position of its verb in the entry's
    /// ``Entry/verbs``, if any.
    @inlinable @usableFromInline
    func position(of action: Action) -> (entry: Int, verb: Int)? {
        // Compare in place: copying an entry would retain its rules and verbs.
        entries.withUnsafeBufferPointer { buffer -> (entry: Int, verb: Int)? in
            for index in buffer.indices where buffer[index].resource == action.resource {
                let found = buffer[index].verbs.withUnsafeBufferPointer { verbs in
                    verbs.firstIndex { $0 == action.verb }
                }
                if let found { return (index, found) }
            }
            return nil
        }
    }

    /// Decides whether `principal` may perform `action` on `object`. Never throws, never
    /// blocks, allocates nothing for the built-in rules.
    ///
    /// A fine-grained key (SPEC §15) takes the same path as a plain one, with three more checks
    /// around the one call of the rules: a type the key does not name is refused
    /// (`DENY_CAPABILITY`), and with a selection so is a create; the rules judge the principal
    /// with its capabilities narrowed to the type's mask; an object whose id is not selected is
    /// not visible (`DENY_NOT_SELECTED`) — after the rules, so a credential denial keeps its code
    /// (the resource API judges credentials before the object); questions about no object
    /// (``NoObject``) leave the selection to the list's predicate.
    @inlinable
    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, object: Object) -> Decision {
        guard let (index, verb) = position(of: action) else { return .unknownAction }
        let rules = entries[index].rules
        guard case .user(let user) = principal else { return rules.decide(principal, action, object) }
        if !user.tier.hasAPIAccess, !rules.admitsFreeTier(action) { return .freeTier }
        var selection: Int?
        var mask: Capabilities?
        if let permissions = user.permissions, let key = entries[index].permissionKey {
            // The type's name is read only for a name too long to pack (never for the built-in types).
            let found = key.isExact ? permissions.index(exactly: key) : permissions.index(of: key, entries[index].permissionType ?? "")
            guard let grant = found else { return entries[index].noPermission }
            if permissions.selects(grant: grant) {
                if verb == entries[index].createPosition { return .createOutsideSelection }
                selection = grant
            }
            let granted = permissions.capabilities(grant: grant)
            // A key's capabilities are the union of its masks, so a key of one type, or of
            // one mask, never narrows: the principal is then not copied.
            if !user.capabilities.isSubset(of: granted) { mask = granted }
        }
        let decision = if let mask {
            rules.decide(narrowing: user, to: mask, action, object)
        } else {
            rules.decide(principal, action, object)
        }
        guard user.confinement != nil || selection != nil, !decision.isCredentialDenial else { return decision }
        if let confinement = user.confinement, !object.isWithin(confinement) { return .outside(confinement) }
        if let selection, Object.self != NoObject.self, let permissions = user.permissions,
           !permissions.admits(object.objectID, grant: selection) {
            return .notSelected
        }
        return decision
    }

    /// `principal` as the rules of entry `index` see it — capabilities narrowed to the type's
    /// mask for a key with permissions — and the type's selection; `nil` when the key's
    /// permissions do not name the type.
    func narrowed(_ principal: Principal, forEntry index: Int) -> (principal: Principal, selection: IDSet?)? {
        guard case .user(var user) = principal, let permissions = user.permissions,
              let type = entries[index].permissionType
        else { return (principal, nil) }
        guard let grant = permissions.grant(for: type) else { return nil }
        user.capabilities.formIntersection(grant.capabilities)
        return (.user(user), grant.selection)
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
        guard let index = entryIndex(for: action) else { return .none }
        guard let (narrowed, selection) = narrowed(principal, forEntry: index) else { return .none }
        guard let visible = entries[index].rules.visibility(narrowed, for: action) else { return .none }
        guard case .user(let user) = principal else { return visible.simplified() }
        if !user.tier.hasAPIAccess { return .none }
        return Self.restricted(visible, confinement: user.confinement, selection: selection)
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
        guard let index = entryIndex(for: action) else { return nil }
        let rules = entries[index].rules
        if action.verb == .list { return visibility(principal, for: action) }
        guard let (narrowed, selection) = narrowed(principal, forEntry: index) else {
            return rules.searchScope(principal, for: action) == nil ? nil : VisibilityPredicate.none
        }
        guard let scope = rules.searchScope(narrowed, for: action) else { return nil }
        guard case .user(let user) = principal else { return scope.simplified() }
        if !user.tier.hasAPIAccess, !rules.admitsFreeTier(action) { return VisibilityPredicate.none }
        return Self.restricted(scope, confinement: user.confinement, selection: selection)
    }

    /// `predicate` within `confinement` and `selection`, when there are, simplified.
    static func restricted(_ predicate: VisibilityPredicate, confinement: Confinement?, selection: IDSet?) -> VisibilityPredicate {
        var terms = [predicate]
        if let confinement { terms.append(.within(confinement)) }
        if let selection { terms.append(.idIn(selection)) }
        return terms.count == 1 ? predicate.simplified() : VisibilityPredicate.and(terms).simplified()
    }
}

extension PolicyRules {
    /// What these rules decide for `user` with the key's capabilities narrowed to `mask` (a
    /// fine-grained key's mask on their type): a copy of the principal, out of the common path.
    @usableFromInline
    func decide<Object: ResourceFacts>(narrowing user: UserPrincipal, to mask: Capabilities, _ action: Action, _ object: Object) -> Decision {
        var narrowed = user
        narrowed.capabilities.formIntersection(mask)
        return decide(.user(narrowed), action, object)
    }
}
