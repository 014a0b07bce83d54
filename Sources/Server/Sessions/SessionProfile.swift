import Foundation
import JSON
import PluginKit
import Postgres
import Vault

/// The body of `POST /api/auth/login/` and `GET /api/auth/status/` (SPEC §5): the key's user,
/// their organisations, the key's organisation context and the session.
struct SessionProfile: JSONWritable {
    struct User {
        var id: Int64
        var email: String
        var firstName: String
        var lastName: String
        var isActive: Bool
        var createdAt: Date
        var updatedAt: Date
        /// `[{"id","slug","name","role"}]`, built by PostgreSQL.
        var organisationsJSON: String
    }

    struct OrganisationContext {
        var id: Int64
        var name: String
        var createdAt: Date
        var updatedAt: Date
        var hasPeers: Bool
    }

    var user: User
    var roles: [String]
    var context: OrganisationContext?
    var csrfToken: String
    /// Present only in the response that starts the session.
    var token: String?

    /// Reads the profile of `key`'s user and organisation context in one query; `nil` when the
    /// user no longer exists. A key issued in an organisation lists that organisation alone
    /// (SPEC §2 confinement: the session shows nothing of the user's other tenants); a key
    /// confined to a team lists none.
    static func load(for key: VerifiedKey, session: SessionRecord, token: String?, pool: PGPool) async throws -> SessionProfile? {
        let rows = try await pool.query("""
            SELECT u.id, u.email, u.first_name, u.last_name, u.is_active, u.created_at, u.updated_at,
                   (SELECT COALESCE(json_agg(json_build_object('id', o.id, 'slug', o.slug, 'name', o.name,
                                                               'role', COALESCE(m.role, 'owner')) ORDER BY o.id), '[]')
                    FROM organisations o
                    LEFT JOIN organisation_memberships m ON m.organisation_id = o.id AND m.user_id = u.id
                    WHERE (m.user_id IS NOT NULL OR o.owner_id = u.id)
                      AND (c.id IS NULL OR o.id = c.id) AND \(key.key.teamID == nil))::text,
                   c.id, c.name, c.created_at, c.updated_at,
                   EXISTS (SELECT 1 FROM organisation_memberships p WHERE p.organisation_id = c.id AND p.user_id <> u.id)
            FROM users u LEFT JOIN organisations c ON c.id = \(key.key.organisationID)
            WHERE u.id = \(key.owner.id)
            """)
        guard let row = rows.first else { return nil }
        let user = User(
            id: try row.decode(Int64.self, at: 0),
            email: try row.decode(String.self, at: 1),
            firstName: try row.decode(String.self, at: 2),
            lastName: try row.decode(String.self, at: 3),
            isActive: try row.decode(Bool.self, at: 4),
            createdAt: try row.decode(Date.self, at: 5),
            updatedAt: try row.decode(Date.self, at: 6),
            organisationsJSON: try row.decode(String.self, at: 7)
        )
        var context: OrganisationContext?
        if let id = try row.decode(Int64?.self, at: 8) {
            context = OrganisationContext(
                id: id,
                name: try row.decode(String.self, at: 9),
                createdAt: try row.decode(Date.self, at: 10),
                updatedAt: try row.decode(Date.self, at: 11),
                hasPeers: try row.decode(Bool.self, at: 12)
            )
        }
        let roles = key.key.effectiveCapabilities.names.map { "Apikey_" + $0 }
        return SessionProfile(user: user, roles: roles, context: context, csrfToken: session.csrfToken, token: token)
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("demographics")
            json.raw("{}")
            json.field("auth", "logged_in")
            json.key("user")
            json.object { json in
                json.field("id", user.id)
                json.field("client_id", String?.none)
                json.field("created", user.createdAt)
                json.field("modified", user.updatedAt)
                json.field("tombstate", String?.none)
                json.field("email", user.email)
                json.field("is_active", user.isActive)
                json.field("roles", roles)
                json.field("names", [user.firstName, user.lastName])
                json.key("settings")
                json.raw("{}")
                json.key("organisations")
                json.raw(user.organisationsJSON)
            }
            json.field("csrftoken", csrfToken)
            json.key("organisation_context")
            json.object(context) { json, context in
                json.field("has_peers", context.hasPeers)
                json.field("name", context.name)
                json.field("created", context.createdAt)
                json.field("modified", context.updatedAt)
                json.field("licensee", context.name)
                json.key("verticals")
                json.raw("[]")
                json.field("avatar", String?.none)
                json.field("client_id", String?.none)
                json.field("tombstate", String?.none)
                json.field("id", context.id)
                json.key("features")
                json.raw("[]")
            }
            json.field("token-id", token)
        }
    }
}
