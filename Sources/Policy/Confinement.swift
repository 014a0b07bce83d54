/// Organisation confinement (SPEC §2): a key issued in an organisation acts only inside it.
///
/// It reaches that organisation's objects and what is global for everyone, never the user's
/// personal objects nor another organisation's, whatever roles the user holds elsewhere. The
/// engine applies it to every decision and every list (``PolicyEngine``), so each plugin, each
/// session made from the key and the decision API inherit it; rules need not repeat it.
///
/// The rule has two faces that must agree: ``VisibilityPredicate/within(organisation:)`` for
/// lists (rendered to SQL by each plugin), and ``ResourceFacts/isWithin(organisation:)`` for one
/// object (allocation-free, on the decision hot path). A property test checks they agree.
extension VisibilityPredicate {
    /// The objects a key confined to `organisation` may reach: the organisation's own (for the
    /// user directory: its members), and global ones.
    public static func within(organisation: Int64) -> VisibilityPredicate {
        .or([.organisationIn([organisation]), .isGlobal])
    }
}

extension UserPrincipal {
    /// The organisation this principal is confined to: the key's, when it was issued in one.
    @inlinable
    public var confinement: Int64? { keyOrganisationID }
}

extension Resource {
    /// Whether the object lies inside `organisation` or is global. A collection, whose rows
    /// the list's predicate confines, is within.
    @inlinable
    public func isWithin(organisation: Int64) -> Bool {
        switch self {
        case .collection: return true
        case .object(let facts): return facts.isWithin(organisation: organisation)
        }
    }
}

extension Decision {
    /// The refusal for an object outside the key's organisation.
    public static let outsideOrganisation = Decision.deny(
        .denyOutsideOrganisation, "The key acts only inside the organisation it was issued in.")
}
