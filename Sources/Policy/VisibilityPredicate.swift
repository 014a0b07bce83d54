/// Which objects of a collection a caller may see, as data: evaluated in memory against
/// ``ResourceFacts`` and translated to SQL by a repository, so a list and the per-object
/// decisions cannot drift apart.
///
/// Leaves name a fact, not a column; each resource type states what its leaves mean
/// (see the `matches(leaf:)` of its facts). A leaf that does not apply to a resource is false.
public indirect enum VisibilityPredicate: Sendable, Hashable {
    /// Every object.
    case all
    /// No object.
    case none
    /// Every sub-predicate holds (`.and([])` is `.all`).
    case and([VisibilityPredicate])
    /// At least one sub-predicate holds (`.or([])` is `.none`).
    case or([VisibilityPredicate])
    /// The object's owner is this user (its owner, publisher or creator, as its facts say; for
    /// the user directory: the user themselves).
    case ownerIs(Int64)
    /// The object's organisation is one of these (user directory: the user belongs to one).
    case organisationIn([Int64])
    /// The object's organisation is owned by this user (`organisations.owner`).
    case organisationOwnerIs(Int64)
    /// The object's team is one of these.
    case teamIn([Int64])
    /// This user holds a role granted on the object itself (a membership of that one object).
    case memberIs(Int64)
    /// The object is global: visible in every organisation.
    case isGlobal
    /// The object is active (not deactivated or deleted).
    case isActive
    /// The object's integer id is one of these: a fine-grained key's selection (SPEC §15).
    /// Read through ``ResourceFacts/objectID`` by every type, never by `matches(leaf:)`.
    case idIn(IDSet)
    /// The object is this user's personal one: created by them, with neither organisation nor team.
    case personalTo(Int64)
}
