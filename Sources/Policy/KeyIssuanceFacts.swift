/// What the key rules need to decide `key.issue`: the target user and the key requested.
public struct KeyIssuanceFacts: Sendable, Hashable {
    /// The user the key is for.
    public var targetUserID: Int64
    /// The target's tier, which picks the issuer rule and the limit (SPEC §2).
    public var targetTier: Tier
    /// Organisations the target belongs to (memberships, plus organisations they own).
    public var targetOrganisationIDs: IDSet
    /// Teams the target belongs to.
    public var targetTeamIDs: IDSet
    /// The organisation context requested for the key, if any; the target must belong to it.
    public var organisationID: Int64?
    /// The team context requested for the key, if any (the console's team page); the target
    /// must belong to it, and a team admin's authority is then used through it alone.
    public var teamID: Int64?
    /// The capabilities requested for the key.
    public var requestedCapabilities: Capabilities
    /// How many active (unrevoked, unexpired) keys the target holds now.
    public var activeKeyCount: Int
    /// Whether the request is an SSO token exchange by the target themselves (enterprise only).
    public var isSSOExchange: Bool
    /// In an SSO exchange, the capabilities the organisation's trust lets such keys carry (set up
    /// by the operator, so they need no organisation admin to grant them; never `superuser`).
    public var ssoCapabilities: Capabilities

    public init(
        targetUserID: Int64,
        targetTier: Tier,
        targetOrganisationIDs: IDSet = [],
        targetTeamIDs: IDSet = [],
        organisationID: Int64? = nil,
        teamID: Int64? = nil,
        requestedCapabilities: Capabilities = .default,
        activeKeyCount: Int = 0,
        isSSOExchange: Bool = false,
        ssoCapabilities: Capabilities = .view
    ) {
        self.ssoCapabilities = ssoCapabilities
        self.targetUserID = targetUserID
        self.targetTier = targetTier
        self.targetOrganisationIDs = targetOrganisationIDs
        self.targetTeamIDs = targetTeamIDs
        self.organisationID = organisationID
        self.teamID = teamID
        self.requestedCapabilities = requestedCapabilities
        self.activeKeyCount = activeKeyCount
        self.isSSOExchange = isSSOExchange
    }
}

extension KeyIssuanceFacts: ResourceFacts {
    public var resourceType: ResourceType { .key }

    /// A key to be issued has no id yet.
    public var objectID: Int64? { nil }
    public func matches(leaf: VisibilityPredicate) -> Bool { false }

    /// A key to be issued in `id` (never a personal key, nor one of another organisation).
    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { organisationID == id }

    @inlinable
    public func isWithin(team id: Int64) -> Bool { teamID == id }
}
