/// The key issuance and revocation rules of SPEC §2, registered by the vault.
///
/// `key.issue` (facts: ``KeyIssuanceFacts``), by the target's tier: free — nobody; pro — the user
/// themselves; team — an admin of a team the target belongs to; organisation/enterprise — an
/// admin (or the owner) of an organisation the target belongs to, or of the key's organisation
/// when one is requested (a non-staff issuer must belong to that organisation); enterprise also through SSO exchange by the target. Staff may issue
/// for anyone. Capabilities beyond `view` only on organisation/enterprise tiers and only by an
/// organisation admin or staff; `superuser` only by staff. Active-key limits: pro 5, team 10,
/// organisation 20, enterprise unlimited — they bind staff too.
///
/// A key never reaches further than its issuer's authority (SPEC §2, ``confinement(of:by:)``):
/// one issued through an organisation admin's or owner's authority is confined to that
/// organisation (without one requested, the one organisation through which the issuer has
/// authority over the target; several: the request must name one, `DENY_AMBIGUOUS_AUTHORITY`);
/// one issued through a team admin's authority is confined to that team; self-service, SSO and
/// staff issue what they ask for.
///
/// `key.revoke` (facts: ``KeyFacts``): the key's owner, an admin (or the owner) of the key's
/// organisation, for a key issued outside any organisation an admin of a team its owner belongs
/// to (who may issue it), or staff — on any tier of their own: a free-tier admin can still revoke
/// the keys they administer, and anyone their own.
///
/// The issuer's own key capabilities are not consulted: issuance is a web-UI/CLI operation and
/// the Vault builds the issuer principal from the user record.
public struct KeyRules: PolicyRules {
    public init() {}

    public var actions: [Action] { [.keyIssue, .keyRevoke] }

    /// Keys are no permission type: issuance is judged on the issuer's account, and any key,
    /// fine-grained or not, may revoke itself (SPEC §2).
    public var permissionType: String? { nil }

    public func admitsFreeTier(_ action: Action) -> Bool { action == .keyRevoke }

    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        let verb = action.verb
        guard verb == .issue || verb == .revoke else { return .unknownAction }
        return principal.gate(requiring: nil, anyTier: verb == .revoke) { user in
            if verb == .revoke {
                guard let key = object.exactly(KeyFacts.self) else { return .resourceMismatch }
                return Self.revoke(user, key)
            }
            guard let request = object.exactly(KeyIssuanceFacts.self) else { return .resourceMismatch }
            return Self.issue(user, request)
        }
    }
}

extension Capabilities {
    /// What a key holding these capabilities may use (SPEC §2): capabilities beyond `view`
    /// exist only on keys issued in an organisation, so a key without one acts with `view` at
    /// most, however it was stored (an import, an older issuance).
    @inlinable
    public func effective(organisationID: Int64?) -> Capabilities {
        organisationID == nil ? intersection(.view) : self
    }
}

extension KeyRules {
    static func revoke(_ user: UserPrincipal, _ key: KeyFacts) -> Decision {
        if key.ownerID == user.userID { return .allow(.allowOwner, "The caller owns the key.") }
        if let organisation = key.organisationID {
            if user.organisationRole(organisation) == .admin {
                return .allow(.allowOrgAdmin, "The caller is an admin of the key's organisation.")
            }
            if user.ownsOrganisation(organisation) {
                return .allow(.allowOrgOwner, "The caller owns the key's organisation.")
            }
        }
        if let team = key.teamID, user.administersTeam(team) {
            return .allow(.allowTeamAdmin, "The caller is an admin of the key's team.")
        }
        if key.organisationID == nil, key.teamID == nil, key.ownerTeamIDs.ids.contains(where: user.administersTeam) {
            return .allow(.allowTeamAdmin, "The caller is an admin of a team the key's owner belongs to.")
        }
        if user.isStaff { return .allow(.allowStaff, "Platform staff may revoke any key.") }
        return .deny(.denyNotMember, "Only the key's owner, an admin of its organisation or of the owner's team, or staff may revoke it.")
    }

    /// Who may grant `capability` on a key (SPEC §2): `view` whoever may issue it; `add`,
    /// `edit` and `delete` an admin or owner of the key's organisation (`asOrganisationAdmin`),
    /// or staff; `superuser` staff only. (Beyond `view` only on keys issued in an organisation,
    /// for the organisation and enterprise tiers: ``issue(_:_:)`` checks those with the request.)
    public static func mayGrant(_ capability: Capability, by issuer: UserPrincipal, asOrganisationAdmin: Bool) -> Bool {
        switch capability {
        case .view: return true
        case .add, .edit, .delete: return issuer.isStaff || asOrganisationAdmin
        case .superuser: return issuer.isStaff
        }
    }

    /// The capabilities `issuer` may grant on a key issued in `area`, by ``mayGrant(_:by:asOrganisationAdmin:)``,
    /// in canonical order: in an organisation, those of an admin of it; in a team, `view`.
    public static func grantable(by issuer: UserPrincipal, in area: Confinement) -> [Capability] {
        guard case .organisation(let id) = area else { return [.view] }
        return grantable(by: issuer, inAnyOf: [id])
    }

    /// The capabilities `issuer` may grant on a key of their own issued in any of `organisations`
    /// (or none): those of an admin of one of them (staff: of any).
    public static func grantable(by issuer: UserPrincipal, inAnyOf organisations: [Int64]) -> [Capability] {
        let administers = organisations.contains(where: issuer.administersOrganisation)
        return Capability.allCases.filter { mayGrant($0, by: issuer, asOrganisationAdmin: administers) }
    }

    /// Where a key `issuer` may issue for `request` is confined (SPEC §2 issuer authority): the
    /// organisation or team whose authority allows it, or, for self-service, SSO and staff,
    /// what the request names. `nil` when the issuance is refused or unconfined.
    public static func confinement(of request: KeyIssuanceFacts, by issuer: UserPrincipal) -> Confinement? {
        authority(issuer, request).1
    }

    static func issue(_ issuer: UserPrincipal, _ request: KeyIssuanceFacts) -> Decision {
        if request.targetTier == .free {
            return .deny(.denyTier, "Free-tier users have no API access; no key can be issued.")
        }
        if let organisation = request.organisationID, !request.targetOrganisationIDs.contains(organisation) {
            return .deny(.denyNotMember, "The target does not belong to the key's organisation.")
        }
        if let team = request.teamID, !request.targetTeamIDs.contains(team) {
            return .deny(.denyNotMember, "The target does not belong to the key's team.")
        }
        if let organisation = request.organisationID, !issuer.isStaff, !issuer.belongsToOrganisation(organisation) {
            return .deny(.denyNotMember, "The caller does not belong to the key's organisation.")
        }
        let (authority, confinement) = authority(issuer, request)
        guard authority.isAllowed else { return authority }
        let extra = request.requestedCapabilities.subtracting(.view)
        if !extra.isEmpty {
            guard case .organisation = confinement else {
                return .deny(.denyCapabilityGrant, "Capabilities beyond 'view' exist only on keys issued in an organisation.")
            }
            guard request.targetTier.allowsWriteCapabilities else {
                return .deny(.denyCapabilityGrant, "Capabilities beyond 'view' need the organisation or enterprise tier.")
            }
            if extra.contains(.superuser), !mayGrant(.superuser, by: issuer, asOrganisationAdmin: false) {
                return .deny(.denyCapabilityGrant, "Only platform staff may grant the 'superuser' capability.")
            }
            let isOrganisationAdmin = authority.code == .allowOrgAdmin || authority.code == .allowOrgOwner
            let writes = extra.subtracting(.superuser)
            if request.isSSOExchange, !request.ssoCapabilities.isSuperset(of: writes) {
                return .deny(.denyCapabilityGrant, "The organisation's SSO trust does not allow these capabilities.")
            }
            if !request.isSSOExchange, !writes.members.allSatisfy({ mayGrant($0, by: issuer, asOrganisationAdmin: isOrganisationAdmin) }) {
                return .deny(.denyCapabilityGrant, "Only an organisation admin may grant capabilities beyond 'view'.")
            }
        }
        if let limit = request.targetTier.activeKeyLimit, request.activeKeyCount >= limit {
            return .deny(.denyLimit, "The target already holds the active-key limit of their tier.")
        }
        return authority
    }

    /// Who may issue for the target's tier, before capability rules and limits, and where the
    /// key is then confined.
    static func authority(_ issuer: UserPrincipal, _ request: KeyIssuanceFacts) -> (Decision, Confinement?) {
        let asRequested: Confinement? = request.organisationID.map(Confinement.organisation) ?? request.teamID.map(Confinement.team)
        let isSelf = issuer.userID == request.targetUserID
        if request.isSSOExchange {
            guard request.targetTier == .enterprise else {
                return (.deny(.denyTier, "SSO token exchange is available on the enterprise tier only."), nil)
            }
            guard isSelf else { return (.deny(.denyDefault, "An SSO exchange issues a key for the signed-in user only."), nil) }
            return (.allow(.allowSSO, "The enterprise user exchanged an SSO token."), asRequested)
        }
        var related = false
        var ambiguous: Decision?
        switch request.targetTier {
        case .free:
            return (.deny(.denyTier, "Free-tier users have no API access; no key can be issued."), nil)
        case .pro:
            if isSelf { return (.allow(.allowSelfServe, "Pro-tier users issue their own keys."), asRequested) }
        case .team:
            let candidates = request.teamID.map { [$0] } ?? request.targetTeamIDs.ids.map { $0 }
            let administered = candidates.filter(issuer.administersTeam)
            related = candidates.contains { issuer.teamRole($0) != nil }
            if administered.count == 1, request.organisationID == nil {
                return (.allow(.allowTeamAdmin, "The caller is an admin of a team the target belongs to."), .team(administered[0]))
            }
            if administered.count == 1 {
                ambiguous = .deny(.denyAmbiguousAuthority, "A team admin issues keys confined to the team, not to an organisation.")
            } else if administered.count > 1 {
                ambiguous = .deny(.denyAmbiguousAuthority, "The caller administers several of the target's teams: name the team.")
            }
        case .organisation, .enterprise:
            let candidates = request.organisationID.map { [$0] } ?? request.targetOrganisationIDs.ids.map { $0 }
            let administered = candidates.filter(issuer.administersOrganisation)
            related = candidates.contains { issuer.organisationRole($0) != nil }
            if administered.count == 1, request.teamID == nil {
                let organisation = administered[0]
                let decision: Decision = issuer.organisationRole(organisation) == .admin
                    ? .allow(.allowOrgAdmin, "The caller is an admin of an organisation the target belongs to.")
                    : .allow(.allowOrgOwner, "The caller owns an organisation the target belongs to.")
                return (decision, .organisation(organisation))
            }
            if administered.count == 1 {
                ambiguous = .deny(.denyAmbiguousAuthority, "An organisation admin issues keys confined to the organisation, not to a team.")
            } else if administered.count > 1 {
                ambiguous = .deny(.denyAmbiguousAuthority, "The caller administers several of the target's organisations: name the organisation.")
            }
        }
        if issuer.isStaff { return (.allow(.allowStaff, "Platform staff may issue keys for anyone."), asRequested) }
        if let ambiguous { return (ambiguous, nil) }
        if related { return (.deny(.denyRole, "The caller's role does not allow issuing keys for this user."), nil) }
        return (.deny(.denyNotMember, "The caller may not issue keys for this user on their tier."), nil)
    }
}
