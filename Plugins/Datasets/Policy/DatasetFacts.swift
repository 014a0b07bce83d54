import Policy

/// A dataset's category (SPEC §1).
public enum DatasetCategory: String, Sendable, Hashable, CaseIterable, Codable {
    case nhsDD = "nhs_dd"
    case externalAPI = "external_api"
    case userCreated = "user_created"
    case rcpch
    case snomed
}

/// What the dataset rules need to know about one dataset.
public struct DatasetFacts: Sendable, Hashable {
    /// The dataset's integer id (`nil` for one to be created): what a fine-grained key's
    /// selection names (SPEC §15).
    public var id: Int64?
    /// The dataset's key (its slug), by which the API addresses it.
    public var key: String
    @inlinable public var objectID: Int64? { id }
    /// The dataset's category; `nhs_dd` datasets are read-only.
    public var category: DatasetCategory
    /// Whether the dataset is global (read-only, visible to everyone while active).
    public var isGlobal: Bool
    /// The dataset's organisation, if any.
    public var organisationID: Int64?
    /// The dataset's team, if any.
    public var teamID: Int64?
    /// The user who created it, if known.
    public var createdBy: Int64?
    /// Whether the dataset is active; inactive datasets are visible to nobody.
    public var isActive: Bool

    public init(
        id: Int64? = nil,
        key: String,
        category: DatasetCategory,
        isGlobal: Bool = false,
        organisationID: Int64? = nil,
        teamID: Int64? = nil,
        createdBy: Int64? = nil,
        isActive: Bool = true
    ) {
        self.id = id
        self.key = key
        self.category = category
        self.isGlobal = isGlobal
        self.organisationID = organisationID
        self.teamID = teamID
        self.createdBy = createdBy
        self.isActive = isActive
    }

    /// Whether SPEC §4 makes the dataset read-only for everyone (`nhs_dd` or global).
    @inlinable
    public var isReadOnly: Bool { category == .nhsDD || isGlobal }
}

extension DatasetFacts: ResourceFacts {
    public var resourceType: ResourceType { .dataset }

    public func matches(leaf: VisibilityPredicate) -> Bool {
        switch leaf {
        case .isActive: return isActive
        case .isGlobal: return isGlobal
        case .organisationIn(let ids): return organisationID.map(ids.contains) ?? false
        case .teamIn(let ids): return teamID.map(ids.contains) ?? false
        case .personalTo(let user):
            return createdBy == user && organisationID == nil && teamID == nil
        default: return false
        }
    }

    @inlinable
    public func isWithin(organisation id: Int64) -> Bool { isGlobal || organisationID == id }

    @inlinable
    public func isWithin(team id: Int64) -> Bool { isGlobal || teamID == id }
}
