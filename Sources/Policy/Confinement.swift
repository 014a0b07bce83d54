/// Confinement (SPEC §2): a key issued in an organisation, or by a team admin in a team, acts
/// only inside it.
///
/// It reaches that organisation's (team's) objects and what is global for everyone, never the
/// user's personal objects nor another tenant's, whatever roles the user holds elsewhere. The
/// engine applies it to every decision and every list (``PolicyEngine``), so each plugin, each
/// session made from the key and the decision API inherit it; rules need not repeat it.
///
/// The rule has two faces that must agree: ``VisibilityPredicate/within(_:)`` for lists
/// (rendered to SQL by each plugin), and ``ResourceFacts/isWithin(_:)`` for one object
/// (allocation-free, on the decision hot path). A property test checks they agree.
public enum Confinement: Sendable, Hashable {
    /// Issued in an organisation (by its admin or owner, in an SSO exchange, or as asked by
    /// staff): its objects, and what is global.
    case organisation(Int64)
    /// Issued by a team admin: the team's objects, and what is global; nothing of any
    /// organisation, not the directory, not the audit log.
    case team(Int64)
}

extension VisibilityPredicate {
    /// The objects a key confined to `organisation` may reach: the organisation's own (for the
    /// user directory: its members), and global ones.
    public static func within(organisation: Int64) -> VisibilityPredicate {
        .or([.organisationIn([organisation]), .isGlobal])
    }

    /// The objects a confined key may reach.
    public static func within(_ confinement: Confinement) -> VisibilityPredicate {
        switch confinement {
        case .organisation(let id): return within(organisation: id)
        case .team(let id): return .or([.teamIn([id]), .isGlobal])
        }
    }
}

extension ResourceFacts {
    /// Whether the object lies inside `confinement` or is global: ``isWithin(organisation:)``
    /// or ``isWithin(team:)``.
    @inlinable
    public func isWithin(_ confinement: Confinement) -> Bool {
        switch confinement {
        case .organisation(let id): return isWithin(organisation: id)
        case .team(let id): return isWithin(team: id)
        }
    }
}

extension UserPrincipal {
    /// Where this principal is confined: the key's organisation, or the key's team, when it
    /// was issued in one (SPEC §2 issuer authority).
    @inlinable
    public var confinement: Confinement? {
        if let keyOrganisationID { return .organisation(keyOrganisationID) }
        if let keyTeamID { return .team(keyTeamID) }
        return nil
    }

    /// Whether the key's user still belongs where the key is confined (SPEC §2 offboarding): a
    /// member (or the owner) of its organisation, a member of its team. An unconfined key is
    /// always in place. Memberships are those loaded for the key, so this is allocation-free.
    @inlinable
    public var isMemberOfConfinement: Bool {
        switch confinement {
        case nil: return true
        case .organisation(let id): return belongsToOrganisation(id)
        case .team(let id): return teamRole(id) != nil
        }
    }
}

extension Resource {
    /// Whether the object lies inside `confinement` or is global. A collection, whose rows
    /// the list's predicate confines, is within.
    @inlinable
    public func isWithin(_ confinement: Confinement) -> Bool {
        switch self {
        case .collection: return true
        case .object(let facts): return facts.isWithin(confinement)
        }
    }
}

extension Decision {
    /// The refusal for an object outside the key's organisation.
    public static let outsideOrganisation = Decision.deny(
        .denyOutsideOrganisation, "The key acts only inside the organisation it was issued in.")

    /// The refusal for an object outside the key's team.
    public static let outsideTeam = Decision.deny(
        .denyOutsideTeam, "The key acts only inside the team it was issued in.")

    /// The refusal for an object outside `confinement`.
    @inlinable
    public static func outside(_ confinement: Confinement) -> Decision {
        switch confinement {
        case .organisation: return .outsideOrganisation
        case .team: return .outsideTeam
        }
    }
}
