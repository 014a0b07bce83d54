import Policy

/// The survey rules of SPEC §4, registered by the surveys plugin.
///
/// Read (`retrieve`, `metrics`, and the rows of `list`): the owner, an admin or the owner of the
/// survey's organisation, an admin of its team, or a survey member of any role.
/// `create` (`add`): a personal survey, or `admin`/`creator` of the target organisation (or its
/// owner) and of the target team. `update` (`edit`): owner, organisation admin/owner, team admin,
/// survey `creator`/`editor`. `delete` (`delete`): owner or organisation admin/owner.
/// The survey's status does not change who may act on it.
public struct SurveyRules: PolicyRules {
    public init() {}

    public var actions: [Action] {
        [.surveyList, .surveyRetrieve, .surveyMetrics, .surveyCreate, .surveyUpdate, .surveyDelete]
    }

    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        let verb = action.verb
        guard let capability = verb.requiredCapability else { return .unknownAction }
        return principal.gate(requiring: capability) { user in
            if verb == .list { return .filteredList }
            guard let survey = object.exactly(SurveyFacts.self) else { return .resourceMismatch }
            if verb == .retrieve || verb == .metrics { return Self.read(user, survey) }
            if verb == .update { return Self.update(user, survey) }
            if verb == .delete { return Self.delete(user, survey) }
            if verb == .create { return Self.create(user, survey) }
            return .unknownAction
        }
    }

    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard action.verb == .list else { return nil }
        guard let user = principal.passing(.view) else { return VisibilityPredicate.none }
        return Self.involvement(user)
    }

    /// Every survey action but `create` needs one of the roles that make a survey visible.
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard action.verb != .create, actions.contains(action), let capability = action.verb.requiredCapability else { return nil }
        guard let user = principal.passing(capability) else { return VisibilityPredicate.none }
        return Self.involvement(user)
    }

    /// The surveys `user` holds a role on: owner, admin or owner of the organisation, admin of
    /// the team, or survey member.
    static func involvement(_ user: UserPrincipal) -> VisibilityPredicate {
        .or([
            .ownerIs(user.userID),
            .organisationIn(user.administeredOrganisationIDs),
            .organisationOwnerIs(user.userID),
            .teamIn(user.teamRoles.ids(where: { $0 == .admin })),
            .memberIs(user.userID),
        ])
    }
}

extension SurveyRules {
    /// The organisation-level grant on `survey`, if the caller administers or owns its organisation.
    @inlinable
    static func organisationGrant(_ user: UserPrincipal, _ survey: SurveyFacts) -> Decision? {
        guard let organisation = survey.organisationID else { return nil }
        if user.organisationRole(organisation) == .admin {
            return .allow(.allowOrgAdmin, "The caller is an admin of the survey's organisation.")
        }
        if user.ownsOrganisation(organisation) || survey.organisationOwnerID == user.userID {
            return .allow(.allowOrgOwner, "The caller owns the survey's organisation.")
        }
        return nil
    }

    @inlinable
    static func isTeamAdmin(_ user: UserPrincipal, _ survey: SurveyFacts) -> Bool {
        guard let team = survey.teamID else { return false }
        return user.teamRole(team) == .admin
    }

    @inlinable
    static func read(_ user: UserPrincipal, _ survey: SurveyFacts) -> Decision {
        if survey.ownerID == user.userID { return .allow(.allowOwner, "The caller owns the survey.") }
        if let grant = organisationGrant(user, survey) { return grant }
        if isTeamAdmin(user, survey) { return .allow(.allowTeamAdmin, "The caller is an admin of the survey's team.") }
        if survey.members[user.userID] != nil {
            return .allow(.allowSurveyMember, "The caller is a member of the survey.")
        }
        return .deny(.denyNotMember, "The caller has no role that makes the survey visible.")
    }

    @inlinable
    static func update(_ user: UserPrincipal, _ survey: SurveyFacts) -> Decision {
        if survey.ownerID == user.userID { return .allow(.allowOwner, "The caller owns the survey.") }
        if let grant = organisationGrant(user, survey) { return grant }
        if isTeamAdmin(user, survey) { return .allow(.allowTeamAdmin, "The caller is an admin of the survey's team.") }
        if let role = survey.members[user.userID] {
            if role.canEdit { return .allow(.allowSurveyMember, "The caller is a creator or editor of the survey.") }
            return .deny(.denyRole, "Survey viewers may not edit the survey.")
        }
        return .deny(.denyNotMember, "The caller has no role that makes the survey visible.")
    }

    @inlinable
    static func delete(_ user: UserPrincipal, _ survey: SurveyFacts) -> Decision {
        if survey.ownerID == user.userID { return .allow(.allowOwner, "The caller owns the survey.") }
        if let grant = organisationGrant(user, survey) { return grant }
        if isTeamAdmin(user, survey) || survey.members[user.userID] != nil {
            return .deny(.denyRole, "Only the owner or an organisation admin may delete the survey.")
        }
        return .deny(.denyNotMember, "The caller has no role that makes the survey visible.")
    }

    static func create(_ user: UserPrincipal, _ survey: SurveyFacts) -> Decision {
        if survey.ownerID != user.userID {
            return .deny(.denyDefault, "A survey can only be created with the caller as its owner.")
        }
        var decision = Decision.allow(.allowOwner, "The caller creates a personal survey.")
        if let organisation = survey.organisationID {
            if user.ownsOrganisation(organisation) || survey.organisationOwnerID == user.userID {
                decision = .allow(.allowOrgOwner, "The caller owns the target organisation.")
            } else {
                switch user.organisationRole(organisation) {
                case .admin?: decision = .allow(.allowOrgAdmin, "The caller is an admin of the target organisation.")
                case .creator?: decision = .allow(.allowOrgCreator, "The caller is a creator in the target organisation.")
                case .viewer?: return .deny(.denyRole, "Organisation viewers may not create surveys.")
                case nil: return .deny(.denyNotMember, "The caller is not a member of the target organisation.")
                }
            }
        }
        if let team = survey.teamID {
            switch user.teamRole(team) {
            case .admin?: decision = .allow(.allowTeamAdmin, "The caller is an admin of the target team.")
            case .creator?: decision = .allow(.allowTeamCreator, "The caller is a creator in the target team.")
            case .viewer?: return .deny(.denyRole, "Team viewers may not create surveys.")
            case nil: return .deny(.denyNotMember, "The caller is not a member of the target team.")
            }
        }
        return decision
    }
}
