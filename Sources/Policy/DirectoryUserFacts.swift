/// What the user-directory rules need to know about one user (the target of `user.*`).
public struct DirectoryUserFacts: Sendable, Hashable {
    /// The user's id.
    public var userID: Int64
    /// Organisations the user belongs to: memberships, plus organisations the user owns.
    public var organisationIDs: IDSet
    /// Whether the account is active.
    public var isActive: Bool
    /// Organisations the user owns (a subset of ``organisationIDs``).
    public var ownedOrganisationIDs: IDSet

    public init(userID: Int64, organisationIDs: IDSet, isActive: Bool = true, ownedOrganisationIDs: IDSet = IDSet()) {
        self.userID = userID
        self.organisationIDs = organisationIDs
        self.isActive = isActive
        self.ownedOrganisationIDs = ownedOrganisationIDs
    }
}

extension DirectoryUserFacts: ResourceFacts {
    public var resourceType: ResourceType { .user }

    /// `organisationIn(ids)` means "belongs to one of `ids`"; `ownerIs(id)` means "is user `id`".
    public func matches(leaf: VisibilityPredicate) -> Bool {
        switch leaf {
        case .organisationIn(let ids): return ids.contains { organisationIDs.contains($0) }
        case .isActive: return isActive
        case .ownerIs(let user): return userID == user
        default: return false
        }
    }
}
