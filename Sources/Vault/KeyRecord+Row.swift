import Foundation
import Policy
import Postgres

extension KeyRecord {
    /// The columns `init(row:)` reads, in order, from `api_keys k`.
    static let columns: PGQuery = """
        k.id, k.user_id, k.organisation_id, k.name, k.prefix, k.last4, k.capabilities, k.created_by, \
        k.expires_at, k.last_used_at, k.revoked_at, k.revoke_reason, k.created_at, k.allowed_cidrs, k.rolled_to, k.team_id, k.meta, k.rate_limit, \
        k.permissions::text, k.resources::text
        """

    /// Decodes the first twenty columns, in the order of `columns`.
    init(row: PGRow) throws {
        let names = try row.decode([String].self, at: 6)
        guard let capabilities = Capabilities(names: names) else {
            throw PGError(.decoding, message: "unknown capability in \(names)")
        }
        self.init(
            id: try row.decode(UUID.self, at: 0),
            userID: try row.decode(Int64.self, at: 1),
            organisationID: try row.decode(Int64?.self, at: 2),
            teamID: try row.decode(Int64?.self, at: 15),
            name: try row.decode(String.self, at: 3),
            prefix: try row.decode(String.self, at: 4),
            last4: try row.decode(String.self, at: 5),
            capabilities: capabilities,
            createdBy: try row.decode(Int64?.self, at: 7),
            expiresAt: try row.decode(Date?.self, at: 8),
            lastUsedAt: try row.decode(Date?.self, at: 9),
            revokedAt: try row.decode(Date?.self, at: 10),
            revokeReason: try row.decode(String?.self, at: 11),
            createdAt: try row.decode(Date.self, at: 12),
            allowedCIDRs: try row.decode([String].self, at: 13).map { text in
                guard let range = AddressRange(text) else { throw PGError(.decoding, message: "not a CIDR range: \(text)") }
                return range
            },
            rolledTo: try row.decode(UUID?.self, at: 14),
            meta: try row.decode(String?.self, at: 16).map(KeyMeta.init(stored:)),
            rateLimit: try row.decode(String?.self, at: 17).map { text in
                guard let rate = try? KeyRateLimit(text) else { throw PGError(.decoding, message: "not a key rate limit: \(text)") }
                return rate
            },
            permissions: try row.decode(String?.self, at: 18).map { text in
                do {
                    return try KeyPermissions(storedPermissions: text, resources: row.decode(String?.self, at: 19))
                } catch {
                    throw PGError(.decoding, message: "not key permissions: \(text)")
                }
            }
        )
    }
}
