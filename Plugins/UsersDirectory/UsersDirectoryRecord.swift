import JSON
import PluginKit
import Policy
import UsersDirectoryPolicy
import Postgres

/// One user as the directory shows it: `id`, `username`, `email`, `first_name`, `last_name`,
/// `is_active`, and `role` — the user's role in the key's organisation (`admin`, `creator`,
/// `viewer`), or `owner` for the organisation's owner without a membership.
struct UsersDirectoryRecord: Sendable, JSONWritable {
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

    /// Every field, `null` included.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("username", username)
            json.field("email", email)
            json.field("first_name", firstName)
            json.field("last_name", lastName)
            json.field("is_active", isActive)
            json.field("role", role)
        }
    }
}
