import Policy

/// A template's publication level (SPEC §1).
public enum PublicationLevel: String, Sendable, Hashable, CaseIterable, Codable {
    case global, organisation
}

/// A template's status (SPEC §1).
public enum TemplateStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active, deleted
}

/// What the template rules need to know about one question-group template.
public struct TemplateFacts: Sendable, Hashable {
    /// The template id.
    public var id: Int64
    /// What a key's selection of `templates` names (SPEC §15): the id.
    @inlinable public var objectID: Int64? { id }
    /// Whether the template is published globally or to one organisation.
    public var level: PublicationLevel
    /// The organisation (required when the level is `organisation`).
    public var organisationID: Int64?
    /// The publisher.
    public var publisherID: Int64
    /// Whether the template is active.
    public var status: TemplateStatus

    public init(
        id: Int64,
        level: PublicationLevel,
        organisationID: Int64? = nil,
        publisherID: Int64,
        status: TemplateStatus = .active
    ) {
        self.id = id
        self.level = level
        self.organisationID = organisationID
        self.publisherID = publisherID
        self.status = status
    }
}

extension TemplateFacts: ResourceFacts {
    public var resourceType: ResourceType { .template }

    public func matches(leaf: VisibilityPredicate) -> Bool {
        switch leaf {
        case .isActive: return status == .active
        case .isGlobal: return level == .global
        case .organisationIn(let ids):
            return level == .organisation && (organisationID.map(ids.contains) ?? false)
        case .ownerIs(let user): return publisherID == user
        default: return false
        }
    }

    @inlinable
    public func isWithin(organisation id: Int64) -> Bool {
        level == .global || (level == .organisation && organisationID == id)
    }

    /// Templates belong to no team: a key confined to one reaches the global ones.
    @inlinable
    public func isWithin(team id: Int64) -> Bool { level == .global }
}
