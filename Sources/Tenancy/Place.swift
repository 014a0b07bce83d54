import Policy

/// An organisation or a team, by id, slug and name: where a user belongs, and what an admin page
/// is about.
public struct Place: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case organisation = "org"
        case team
    }

    public let kind: Kind
    public let id: Int64
    public let slug: String
    public let name: String

    /// The place as the policy names it (an organisation or a team, by id).
    public var area: Confinement {
        switch kind {
        case .organisation: .organisation(id)
        case .team: .team(id)
        }
    }
}

/// A user's memberships: as the policy judges them, and the places they name.
public struct Memberships: Sendable {
    /// The user with their roles (key capabilities the default): ask it who administers what.
    public let principal: UserPrincipal
    /// The organisations the user belongs to (or owns) and the teams they are a member of, by
    /// kind, name and slug.
    public let places: [Place]

    public init(principal: UserPrincipal, places: [Place]) {
        self.principal = principal
        self.places = places
    }
}

/// A member of an organisation or team, as an admin picks them.
public struct Member: Sendable, Hashable {
    public let id: Int64
    public let username: String
    public let email: String
}
