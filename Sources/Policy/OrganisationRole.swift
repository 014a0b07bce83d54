/// A role in an organisation or a team membership (SPEC §1).
public enum OrganisationRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// Manages the organisation or team, its members and keys.
    case admin
    /// Creates resources in the organisation or team.
    case creator
    /// Reads what the organisation or team shares.
    case viewer
}

/// A role in a team membership: the same three roles as an organisation membership.
public typealias TeamRole = OrganisationRole

extension OrganisationRole {
    /// Whether this role may create and manage resources (`admin` or `creator`).
    @inlinable
    public var canCreate: Bool { self != .viewer }
}
