/// The organisation user-directory rules of SPEC §4, registered by the server.
///
/// Reads (`view`) list and retrieve the users of the key's organisation: the key needs an
/// organisation context and the caller must still belong to that organisation. Writes
/// (`user.create`, `user.update`, `user.delete`) need `superuser` and the same context;
/// `user.delete` (removal from the organisation) never applies to the organisation's owner.
public struct UserDirectoryRules: PolicyRules {
    public init() {}

    public var actions: [Action] {
        [.userList, .userRetrieve, .userCreate, .userUpdate, .userDelete]
    }

    public func decide(_ principal: Principal, _ action: Action, _ resource: Resource) -> Decision {
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
                return .allow(.allowSuperuser, "A superuser key may add users to its organisation.")
            }
            guard case .user(let target) = resource else { return .resourceMismatch }
            guard target.organisationIDs.contains(organisation) else {
                return .deny(.denyNotMember, "The user does not belong to the key's organisation.")
            }
            if isRead { return .allow(.allowMember, "The user belongs to the key's organisation.") }
            if verb == .delete, target.ownedOrganisationIDs.contains(organisation) {
                return .deny(.denyRole, "The organisation's owner cannot be removed from it.")
            }
            return .allow(.allowSuperuser, "A superuser key may edit users of its organisation.")
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
}
