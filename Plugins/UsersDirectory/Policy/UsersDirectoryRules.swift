import Policy

/// The organisation user-directory rules of SPEC §4 (Users), registered by the users-directory plugin.
///
/// Reads (`view`) list and retrieve the users of the key's organisation: the key needs an
/// organisation context and the caller must still belong to that organisation.
///
/// Writes (`user.create`, `user.update`, `user.delete`) need `superuser`, the same context, and
/// the caller being an admin or the owner of that organisation. They never touch platform staff
/// or the organisation's owner; nobody changes their own role or `is_active`, nor removes
/// themselves. `email`, names and `is_active` belong to the account, so they change only for an
/// account whose only organisation is this one (`DENY_SHARED_ACCOUNT`); `role` and removal act
/// on the membership alone.
public struct UsersDirectoryRules: PolicyRules {
    public init() {}

    public var actions: [Action] {
        [.userList, .userRetrieve, .userCreate, .userUpdate, .userDelete]
    }

    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        let verb = action.verb
        let isRead = verb == .list || verb == .retrieve
        guard isRead || verb == .create || verb == .update || verb == .delete else { return .unknownAction }
        return principal.gate(requiring: isRead ? .view : .superuser) { user in
            guard let organisation = user.keyOrganisationID else {
                return .deny(.denyNoOrganisationContext, "The user directory needs a key issued in an organisation.")
            }
            guard user.belongsToOrganisation(organisation) else {
                return .deny(.denyNotMember, "The caller no longer belongs to the key's organisation.")
            }
            if verb == .list { return .filteredList }
            if verb == .create {
                guard user.administersOrganisation(organisation) else { return Self.notAdmin }
                return .allow(.allowSuperuser, "A superuser key of an organisation admin may add users to it.")
            }
            guard let target = object.exactly(UsersDirectoryFacts.self) else { return .resourceMismatch }
            guard target.organisationIDs.contains(organisation) else {
                return .deny(.denyNotMember, "The user does not belong to the key's organisation.")
            }
            if isRead { return .allow(.allowMember, "The user belongs to the key's organisation.") }
            guard user.administersOrganisation(organisation) else { return Self.notAdmin }
            return Self.write(user, verb, target, in: organisation)
        }
    }

    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard action.verb == .list else { return nil }
        guard let user = principal.passing(.view),
              let organisation = user.keyOrganisationID,
              user.belongsToOrganisation(organisation)
        else { return VisibilityPredicate.none }
        return .organisationIn([organisation])
    }

    /// Members of the key's organisation: read with `view`, changed with `superuser`.
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        switch action.verb {
        case .retrieve: return visibility(principal, for: .userList)
        case .update, .delete:
            guard let user = principal.passing(.superuser), let organisation = user.keyOrganisationID else { return VisibilityPredicate.none }
            return .organisationIn([organisation])
        default: return nil
        }
    }

    static let notAdmin = Decision.deny(.denyRole, "Only an admin or the owner of the organisation may change its directory.")

    /// `user.update` and `user.delete` of a member, once the caller may write the directory.
    static func write(_ user: UserPrincipal, _ verb: Verb, _ target: UsersDirectoryFacts, in organisation: Int64) -> Decision {
        if target.isStaff {
            return .deny(.denyRole, "Platform staff are not managed through an organisation's directory.")
        }
        if target.ownedOrganisationIDs.contains(organisation) {
            return .deny(.denyRole, "The organisation's owner is not managed through its directory.")
        }
        if target.userID == user.userID {
            if verb == .delete { return .deny(.denyRole, "Nobody removes themselves from the organisation.") }
            if !target.changes.isDisjoint(with: [.role, .activity]) {
                return .deny(.denyRole, "Nobody changes their own role or their own is_active.")
            }
        }
        if verb == .update, !target.changes.isDisjoint(with: .accountWide), target.organisationIDs.count > 1 {
            return .deny(.denySharedAccount, "The account also belongs to other organisations; only its role here may change.")
        }
        return .allow(.allowSuperuser, "A superuser key of an organisation admin may manage its members.")
    }
}
