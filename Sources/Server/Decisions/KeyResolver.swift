import Foundation
import PluginKit
import Policy
import Postgres

/// Existing API keys for `key.revoke` decisions, by key id (a UUID).
struct KeyResolver: ResourceResolver {
    let pool: PGPool

    var resourceType: ResourceType { .key }

    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        try await lookups.resolve(parse: UUID.init(uuidString:)) { ids in
            let rows = try await pool.query("SELECT id, user_id, organisation_id FROM api_keys WHERE id = ANY(\(ids))")
            var found: [UUID: Resource] = [:]
            for row in rows {
                found[try row.decode(UUID.self, at: 0)] = .key(KeyFacts(
                    ownerID: try row.decode(Int64.self, at: 1), organisationID: try row.decode(Int64?.self, at: 2)))
            }
            return found
        }
    }
}
