import Policy

/// What the user-directory rules need to know about one user (the target of `user.*`).
public struct UsersDirectoryFacts: Sendable, Hashable {
    /// The user's id.
    public var userID: Int64
    /// What a key's selection of `users` names (SPEC §15): the user's id.
    @inlinable public var objectID: Int64? { userID }
    /// Organisations the user belongs to: memberships, plus organisations the user owns.
    public var organisationIDs: IDSet
    /// Whether the account is active.
    public var isActive: Bool
    /// Organisations the user owns (a subset of ``organisationIDs``).
    public var ownedOrganisationIDs: IDSet
    /// Whether the user is platform staff (`is_staff`): never edited through a directory.
    public var isStaff: Bool
    /// What a `user.update` changes; empty when judging the role alone (and for other actions).
    public var changes: UsersDirectoryChanges

    public init(
        userID: Int64, organisationIDs: IDSet, isActive: Bool = true, ownedOrganisationIDs: IDSet = IDSet(),
        isStaff: Bool = false, changes: UsersDirectoryChanges = []
    ) {
        self.userID = userID
        self.organisationIDs = organisationIDs
        self.isActive = isActive
        self.ownedOrganisationIDs = ownedOrganisationIDs
        self.isStaff = isStaff
        self.changes = changes
    }
}

/// The parts of a user a directory edit touches (SPEC §4 Users).
public struct UsersDirectoryChanges: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The user's role in the key's organisation (the membership).
    public static let role = UsersDirectoryChanges(rawValue: 1 << 0)
    /// The account's `is_active`.
    public static let activity = UsersDirectoryChanges(rawValue: 1 << 1)
    /// The account's `email`, `first_name` or `last_name`.
    public static let profile = UsersDirectoryChanges(rawValue: 1 << 2)

    /// What belongs to the account rather than to one organisation.
    public static let accountWide: UsersDirectoryChanges = [.activity, .profile]
}

extension UsersDirectoryFacts: ResourceFacts {
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

    /// A member (or the owner) of the organisation.
    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { organisationIDs.contains(id) }

    /// A key confined to a team reaches no directory (SPEC §2).
    @inlinable
    public func isWithin(team id: Int64) -> Bool { false }
}
