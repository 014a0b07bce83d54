/// What the key rules need to decide `key.revoke`: whose key it is, its organisation context and
/// the owner's teams.
public struct KeyFacts: Sendable, Hashable {
    /// The user the key belongs to.
    public var ownerID: Int64
    /// The organisation the key was issued in, if any.
    public var organisationID: Int64?
    /// The team the key was issued in (by a team admin), if any.
    public var teamID: Int64?
    /// The teams the key's owner belongs to (an admin of one may revoke the owner's keys issued
    /// outside any organisation, as they may issue them).
    public var ownerTeamIDs: IDSet

    public init(ownerID: Int64, organisationID: Int64? = nil, teamID: Int64? = nil, ownerTeamIDs: IDSet = []) {
        self.ownerID = ownerID
        self.organisationID = organisationID
        self.teamID = teamID
        self.ownerTeamIDs = ownerTeamIDs
    }
}

extension KeyFacts: ResourceFacts {
    public var resourceType: ResourceType { .key }

    /// Keys are no permission type, so no selection names them.
    public var objectID: Int64? { nil }

    public func matches(leaf: VisibilityPredicate) -> Bool {
        switch leaf {
        case .ownerIs(let user): return ownerID == user
        case .organisationIn(let ids): return organisationID.map(ids.contains) ?? false
        default: return false
        }
    }

    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { organisationID == id }

    @inlinable
    public func isWithin(team id: Int64) -> Bool { teamID == id }
}
