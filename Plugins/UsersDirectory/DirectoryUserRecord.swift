import PluginKit
import Policy
import Postgres

/// One user as the directory shows it: `id`, `username`, `email`, `first_name`, `last_name`,
/// `is_active`, and `role` — the user's role in the key's organisation (`admin`, `creator`,
/// `viewer`), or `owner` for the organisation's owner without a membership.
struct DirectoryUserRecord: Sendable, Encodable {
    var id: Int64
    var username: String
    var email: String
    var firstName: String
    var lastName: String
    var isActive: Bool
    var role: String?

    /// The columns ``init(row:from:)`` reads, in order, for `users u` with the membership `m` in
    /// the key's organisation and that organisation `o` (both left joins).
    static let columns: PGQuery = """
        u.id, u.username, u.email, u.first_name, u.last_name, u.is_active, \
        COALESCE(m.role, CASE WHEN o.owner_id = u.id THEN 'owner' END) AS role
        """

    /// `users u` joined to its membership `m` in organisation `organisationID` and to that
    /// organisation `o`.
    static func tables(organisationID: Int64) -> PGQuery {
        """
        users u
        LEFT JOIN organisation_memberships m ON m.user_id = u.id AND m.organisation_id = \(organisationID)
        LEFT JOIN organisations o ON o.id = \(organisationID)
        """
    }

    /// Reads the ``columns`` starting at `first`.
    init(row: PGRow, from first: Int) throws {
        id = try row.decode(Int64.self, at: first)
        username = try row.decode(String.self, at: first + 1)
        email = try row.decode(String.self, at: first + 2)
        firstName = try row.decode(String.self, at: first + 3)
        lastName = try row.decode(String.self, at: first + 4)
        isActive = try row.decode(Bool.self, at: first + 5)
        role = try row.decode(String?.self, at: first + 6)
    }

    enum CodingKeys: String, CodingKey {
        case id, username, email, firstName = "first_name", lastName = "last_name", isActive = "is_active", role
    }

    /// Every field, `null` included.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(username, forKey: .username)
        try container.encode(email, forKey: .email)
        try container.encode(firstName, forKey: .firstName)
        try container.encode(lastName, forKey: .lastName)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(role, forKey: .role)
    }
}
