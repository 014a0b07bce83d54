/// The facts about one resource that rules and visibility predicates read.
///
/// Each plugin conforms its own facts type and passes its objects as ``Resource/object(_:)``.
public protocol ResourceFacts: Sendable {
    /// The resource type these facts describe.
    var resourceType: ResourceType { get }

    /// The object's integer id, which a fine-grained key's selection names (SPEC §15), or `nil`
    /// when it has none (a collection, an object to be created, a type without integer ids):
    /// a selection never admits an object without one. Must equal evaluating
    /// ``VisibilityPredicate/idIn(_:)``.
    var objectID: Int64? { get }

    /// Whether these facts satisfy one leaf of a ``VisibilityPredicate`` (never `.and`, `.or`,
    /// `.all` or `.none`, which the evaluator handles). Leaves that do not apply are `false`.
    func matches(leaf: VisibilityPredicate) -> Bool

    /// Whether the object lies inside organisation `id` or is global for everyone (SPEC §2
    /// confinement); must equal evaluating ``VisibilityPredicate/within(organisation:)``.
    func isWithin(organisation id: Int64) -> Bool

    /// Whether the object lies inside team `id` or is global for everyone (SPEC §2: a key a
    /// team admin issued); must equal evaluating ``VisibilityPredicate/within(_:)`` for
    /// ``Confinement/team(_:)``.
    func isWithin(team id: Int64) -> Bool
}
