import Policy

/// The dataset rules of SPEC §4, registered by the datasets plugin.
///
/// Read: anonymous callers see active global datasets; authenticated callers see active
/// datasets that are global, belong to an organisation they belong to (any role, or its owner),
/// belong to a team they are a member of, or that they created with no organisation and no team.
/// Writes (`add`/`edit`/`delete`): `nhs_dd` and global datasets are read-only for everyone;
/// otherwise only organisation datasets, by an organisation `admin`/`creator` or its owner.
public struct DatasetRules: PolicyRules {
    public init() {}

    public var actions: [Action] {
        [.datasetList, .datasetRetrieve, .datasetCreate, .datasetUpdate, .datasetDelete]
    }

    public func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        let verb = action.verb
        guard let capability = verb.requiredCapability, verb != .metrics else { return .unknownAction }
        let isRead = capability == .view
        if isRead, principal.isAnonymous {
            if verb == .list { return .filteredList }
            guard let dataset = object.exactly(DatasetFacts.self) else { return .resourceMismatch }
            return Self.anonymousRead(dataset)
        }
        return principal.gate(requiring: capability) { user in
            if verb == .list { return .filteredList }
            guard let dataset = object.exactly(DatasetFacts.self) else { return .resourceMismatch }
            return isRead ? Self.read(user, dataset) : Self.write(user, dataset)
        }
    }

    public func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        guard action.verb == .list else { return nil }
        if principal.isAnonymous { return .and([.isActive, .isGlobal]) }
        guard let user = principal.passing(.view) else { return VisibilityPredicate.none }
        return .and([
            .isActive,
            .or([
                .isGlobal,
                .organisationIn(user.organisationIDs),
                .teamIn(user.teamRoles.ids),
                .personalTo(user.userID),
            ]),
        ])
    }

    /// Reads: the list's rows. Writes: datasets of the organisations the user belongs to
    /// (active or not: a write does not ask).
    public func searchScope(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        switch action.verb {
        case .retrieve: return visibility(principal, for: .datasetList)
        case .update, .delete:
            guard let user = principal.passing(action.verb.requiredCapability) else { return VisibilityPredicate.none }
            return .organisationIn(user.organisationIDs)
        default: return nil
        }
    }
}

extension DatasetRules {
    @inlinable
    static func anonymousRead(_ dataset: DatasetFacts) -> Decision {
        guard dataset.isActive else { return .deny(.denyInactive, "The dataset is not active.") }
        guard dataset.isGlobal else {
            return .deny(.denyAnonymous, "Anonymous callers see global datasets only.")
        }
        return .allow(.allowGlobal, "The dataset is global.")
    }

    @inlinable
    static func read(_ user: UserPrincipal, _ dataset: DatasetFacts) -> Decision {
        guard dataset.isActive else { return .deny(.denyInactive, "The dataset is not active.") }
        if dataset.isGlobal { return .allow(.allowGlobal, "The dataset is global.") }
        if let organisation = dataset.organisationID, user.belongsToOrganisation(organisation) {
            return .allow(.allowMember, "The caller belongs to the dataset's organisation.")
        }
        if let team = dataset.teamID, user.teamRole(team) != nil {
            return .allow(.allowMember, "The caller is a member of the dataset's team.")
        }
        if dataset.organisationID == nil, dataset.teamID == nil, dataset.createdBy == user.userID {
            return .allow(.allowOwner, "The caller created this personal dataset.")
        }
        return .deny(.denyNotMember, "The caller does not belong to the dataset's organisation or team.")
    }

    @inlinable
    static func write(_ user: UserPrincipal, _ dataset: DatasetFacts) -> Decision {
        if dataset.isReadOnly {
            return .deny(.denyReadOnlyDataset, "NHS data dictionary and global datasets are read-only.")
        }
        guard let organisation = dataset.organisationID else {
            return .deny(.denyDefault, "Only organisation datasets can be changed through the API.")
        }
        if user.ownsOrganisation(organisation) {
            return .allow(.allowOrgOwner, "The caller owns the dataset's organisation.")
        }
        switch user.organisationRole(organisation) {
        case .admin?: return .allow(.allowOrgAdmin, "The caller is an admin of the dataset's organisation.")
        case .creator?: return .allow(.allowOrgCreator, "The caller is a creator in the dataset's organisation.")
        case .viewer?: return .deny(.denyRole, "Organisation viewers may not change datasets.")
        case nil: return .deny(.denyNotMember, "The caller is not a member of the dataset's organisation.")
        }
    }
}
