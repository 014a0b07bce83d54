/// An authenticated user as the policy sees them: identity, tier, staff flag, memberships, and
/// the capabilities and organisation context of the key in use. Roles granted on single objects
/// (a survey membership) are facts of those objects, supplied by their plugin.
///
/// Memberships are small sorted tables, so every lookup a rule makes is allocation-free.
public struct UserPrincipal: Sendable, Hashable {
    /// The user's id.
    public var userID: Int64
    /// The user's account tier.
    public var tier: Tier
    /// Whether the user is platform staff (`is_staff`).
    public var isStaff: Bool
    /// The capabilities of the key in use: for a key with ``permissions``, at most the verbs
    /// granted on some type (the engine narrows them to each type's mask).
    public var capabilities: Capabilities
    /// The key's permissions per resource type and selected objects (SPEC §15), or `nil` for a
    /// plain key, whose ``capabilities`` apply to every type.
    public var permissions: KeyPermissions?
    /// The organisation the key was issued in, if any.
    public var keyOrganisationID: Int64?
    /// The team the key was issued in (by a team admin, SPEC §2), if any.
    public var keyTeamID: Int64?
    /// Organisation memberships: organisation id → role.
    public var organisationRoles: MembershipTable<OrganisationRole>
    /// Organisations whose `owner` is this user, whether or not they are also members.
    public var ownedOrganisations: IDSet
    /// Team memberships: team id → role.
    public var teamRoles: MembershipTable<TeamRole>

    /// Creates a user principal; every membership defaults to none and the key to `[.view]`.
    public init(
        userID: Int64,
        tier: Tier,
        isStaff: Bool = false,
        capabilities: Capabilities = .default,
        keyOrganisationID: Int64? = nil,
        keyTeamID: Int64? = nil,
        organisationRoles: MembershipTable<OrganisationRole> = [:],
        ownedOrganisations: IDSet = [],
        teamRoles: MembershipTable<TeamRole> = [:],
        permissions: KeyPermissions? = nil
    ) {
        self.userID = userID
        self.tier = tier
        self.isStaff = isStaff
        self.capabilities = capabilities
        self.keyOrganisationID = keyOrganisationID
        self.keyTeamID = keyTeamID
        self.organisationRoles = organisationRoles
        self.ownedOrganisations = ownedOrganisations
        self.teamRoles = teamRoles
        self.permissions = permissions
    }
}
