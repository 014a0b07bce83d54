/// A set of authorization rules for the actions of one resource type, contributed by the
/// plugin that owns the resource and registered with a ``PolicyEngine``.
///
/// Contract: rules are pure (no I/O, no clocks, no shared mutable state) and must not block;
/// they deny by default; they check the key capability before roles. The engine has already
/// denied the free tier and actions nobody handles before a rule is asked.
public protocol PolicyRules: Sendable {
    /// The actions these rules answer; every action must be of the same resource type.
    var actions: [Action] { get }

    /// The name of these rules' resource type in a key's `permissions` and `resources` (SPEC §15),
    /// e.g. `surveys`; `nil` when a fine-grained key's permissions do not apply to it (the
    /// engine's own key rules). By default the resource type's name plus `s`.
    var permissionType: String? { get }

    /// Decides one action on one object for one principal. `object` is ``NoObject`` for list
    /// actions and for questions asked before the object is known; rules read their own facts
    /// type with ``ResourceFacts/exactly(_:)`` and deny `DENY_RESOURCE_MISMATCH` on any other.
    func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision

    /// Whether `action` is judged for a free-tier user too; by default the engine denies such a
    /// user everything (`DENY_TIER`) before asking the rules.
    func admitsFreeTier(_ action: Action) -> Bool

    /// The rows a list action may return, as a predicate equal to filtering the collection
    /// with the per-object decision; `nil` when `action` is not a list action of these rules.
    func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate?

    /// The candidates of a resource search (SPEC §6) for `action`, an action on existing
    /// objects other than a list: a predicate admitting at least every object on which `action`
    /// may be allowed (admitting more is harmless: the engine decides each candidate). `nil`
    /// when such objects cannot be searched.
    func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate?
}

extension PolicyRules {
    /// The resource type's name plus `s` (`survey` → `surveys`).
    public var permissionType: String? {
        actions.first.map { $0.resource.rawValue + "s" }
    }

    /// The free tier has no API access (SPEC §2).
    public func admitsFreeTier(_ action: Action) -> Bool { false }

    /// No list actions by default.
    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? { nil }

    /// Not searchable by default.
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? { nil }
}
