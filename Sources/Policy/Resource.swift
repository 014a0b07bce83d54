/// The object an action is about, as facts the rules need (never the whole row), when the
/// objects of one question are of several types (the decision API's batches). A single decision
/// passes its facts to ``PolicyEngine/decide(_:_:object:)`` directly.
public enum Resource: Sendable {
    /// No single object: list actions, or actions whose rules need no facts.
    case collection
    /// One object, described by the facts type of its resource's rules.
    case object(any ResourceFacts)
}

extension Resource {
    /// An existing key (`key.revoke`).
    @inlinable
    public static func key(_ facts: KeyFacts) -> Resource { .object(facts) }

    /// A key to be issued (`key.issue`).
    @inlinable
    public static func keyIssuance(_ facts: KeyIssuanceFacts) -> Resource { .object(facts) }

    /// The facts carried, or `nil` for ``collection``.
    public var facts: (any ResourceFacts)? {
        switch self {
        case .collection: return nil
        case .object(let facts): return facts
        }
    }
}

/// The facts of no single object: what a list action, or a question asked before any object is
/// known (the key's capability), is judged on.
public struct NoObject: ResourceFacts {
    public init() {}

    public var resourceType: ResourceType { "" }

    @inlinable
    public var objectID: Int64? { nil }

    public func matches(leaf: VisibilityPredicate) -> Bool { false }

    /// A collection's rows are confined by the list's predicate, so the collection is within.
    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { true }

    @inlinable
    public func isWithin(team id: Int64) -> Bool { true }
}

extension ResourceFacts {
    /// `self`, when its type is exactly `type`: how rules read their own facts type.
    ///
    /// A comparison of type metadata, not a dynamic cast: it runs on every decision, and an
    /// `as?` costs more than the rule it feeds (`deploy/bench.sh policy`).
    @inlinable
    public func exactly<Facts: ResourceFacts>(_ type: Facts.Type) -> Facts? {
        Self.self == Facts.self ? unsafeBitCast(self, to: Facts.self) : nil
    }
}
