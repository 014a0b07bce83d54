import Policy

/// A survey's status (SPEC §1).
public enum SurveyStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case draft, published, closed
}

/// What the survey rules need to know about one survey.
public struct SurveyFacts: Sendable, Hashable {
    /// The survey id (ignored for `survey.create`).
    public var id: Int64
    /// What a key's selection of `surveys` names (SPEC §15): the id.
    @inlinable public var objectID: Int64? { id }
    /// The survey's owner.
    public var ownerID: Int64
    /// The survey's organisation, if any.
    public var organisationID: Int64?
    /// The owner of the survey's organisation, if the organisation has one.
    public var organisationOwnerID: Int64?
    /// The survey's team, if any.
    public var teamID: Int64?
    /// The survey's status.
    public var status: SurveyStatus
    /// The survey's memberships (user id → role): at least the asking user's, when they hold
    /// one. The plugin reads them from `survey_memberships` with the survey.
    public var members: MembershipTable<SurveyRole>

    public init(
        id: Int64,
        ownerID: Int64,
        organisationID: Int64? = nil,
        organisationOwnerID: Int64? = nil,
        teamID: Int64? = nil,
        status: SurveyStatus = .draft,
        members: MembershipTable<SurveyRole> = [:]
    ) {
        self.id = id
        self.ownerID = ownerID
        self.organisationID = organisationID
        self.organisationOwnerID = organisationOwnerID
        self.teamID = teamID
        self.status = status
        self.members = members
    }
}

extension SurveyFacts: ResourceFacts {
    public var resourceType: ResourceType { .survey }

    public func matches(leaf: VisibilityPredicate) -> Bool {
        switch leaf {
        case .ownerIs(let user): return ownerID == user
        case .organisationIn(let ids): return organisationID.map(ids.contains) ?? false
        case .organisationOwnerIs(let user): return organisationID != nil && organisationOwnerID == user
        case .teamIn(let ids): return teamID.map(ids.contains) ?? false
        case .memberIs(let user): return members.contains(user)
        default: return false
        }
    }

    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { organisationID == id }

    /// A survey of the team (surveys are never global).
    @inlinable
    public func isWithin(team id: Int64) -> Bool { teamID == id }
}
