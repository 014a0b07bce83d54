import Policy
import Vault

/// What a service credential sees through the decision API (SPEC §6): the whole deployment, or —
/// for a credential issued with `--org` — one organisation's keys, users and objects, plus what
/// is global.
///
/// The one rule verify, evaluations and searches consult. Objects are judged by the engine's own
/// organisation confinement (``Confinement/organisation(_:)``: ``Resource/isWithin(_:)`` for one
/// object, ``VisibilityPredicate/within(_:)`` for a search's candidates), so a scoped service
/// sees of its organisation exactly what a key confined there would; a user subject acts as with
/// such a key (``confining(_:)``). Keys and users outside are answered as ones that do not
/// exist, so a scoped service learns nothing of other tenants.
struct ServiceScope: Sendable {
    /// The organisation, or `nil`: the whole deployment.
    let organisationID: Int64?

    /// The scope of the calling service's credential (deployment-wide without one).
    init(_ credential: ServiceCredential?) {
        organisationID = credential?.organisationID
    }

    /// The refusal of an object outside the organisation.
    static let outside = Decision.deny(.denyOutsideOrganisation, "This service credential answers only about its own organisation.")

    private var confinement: Confinement? { organisationID.map(Confinement.organisation) }

    /// `verification` as this service may see it: a key that acts for another organisation, or
    /// for none (unconfined, or confined to a team of no organisation), is `NOT_FOUND`. A
    /// team-confined key acts for its team's organisation.
    func sees(_ verification: KeyVerification) -> KeyVerification {
        guard let organisationID, let found = verification.found, found.homeOrganisationID != organisationID else { return verification }
        return .notFound
    }

    /// `refusal` of a key or user this service does not know, saying — when scoped — that it
    /// sees only its organisation's (one of another organisation is not told apart).
    func unknown(_ refusal: Decision) -> Decision {
        organisationID == nil ? refusal : refusal.adding(reason: "This service credential sees only the keys and users of its own organisation.")
    }

    /// Whether questions about user `user` may be answered: any user deployment-wide, else a
    /// member or the owner of the organisation.
    func admits(_ user: UserPrincipal) -> Bool {
        organisationID.map(user.belongsToOrganisation) ?? true
    }

    /// `user`, a user subject, as it acts through this service: in the organisation, as with a
    /// key issued there — so the engine confines it (SPEC §2) and gives it the organisation's
    /// context, which the user directory needs.
    func confining(_ user: UserPrincipal) -> UserPrincipal {
        guard let organisationID else { return user }
        var user = user
        user.keyOrganisationID = organisationID
        return user
    }

    /// `decision` about `resource`, unless the object lies outside the organisation (and is not
    /// global): then ``outside``. As the engine's confinement, a refusal of the credentials or
    /// of the question itself stands.
    func bound(_ decision: Decision, about resource: Resource) -> Decision {
        guard let confinement, !decision.isCredentialDenial, !resource.isWithin(confinement) else { return decision }
        return Self.outside
    }

    /// A search's candidates, within the organisation.
    func restricted(_ candidates: VisibilityPredicate) -> VisibilityPredicate {
        guard let confinement else { return candidates }
        return VisibilityPredicate.and([candidates, .within(confinement)]).simplified()
    }
}
