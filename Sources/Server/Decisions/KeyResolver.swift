import Foundation
import JSON
import PluginKit
import Policy
import Postgres
import Vault

/// API keys for the decision API: existing keys for `key.revoke`, by key id (a UUID); keys to
/// be issued for `key.issue`, from `properties` `user` (id), `organisation` (id, optional) and
/// `capabilities` (names, default `["view"]`).
struct KeyResolver: ResourceResolver {
    let pool: PGPool
    let vault: Vault

    var resourceType: ResourceType { .key }

    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: UUID.init(uuidString:)) { ids in
            let rows = try await pool.query("""
                SELECT k.id, k.user_id, k.organisation_id,
                       ARRAY(SELECT team_id FROM team_memberships WHERE user_id = k.user_id) AS teams, k.team_id
                FROM api_keys k WHERE k.id = ANY(\(ids))
                """)
            var found: [UUID: Resource] = [:]
            for row in rows {
                found[try row.decode(UUID.self, at: 0)] = .key(KeyFacts(
                    ownerID: try row.decode(Int64.self, at: 1), organisationID: try row.decode(Int64?.self, at: 2),
                    teamID: try row.decode(Int64?.self, at: 4), ownerTeamIDs: IDSet(try row.decode([Int64].self, at: 3))))
            }
            return found
        }
    }

    /// The key's owner, the members and owner of its organisation, the members of its owner's
    /// teams, and staff.
    func subjectCandidates(of id: String) -> PGQuery? {
        guard let key = UUID(uuidString: id) else { return .nobody }
        return """
            SELECT k.user_id FROM api_keys k WHERE k.id = \(key)
            UNION ALL SELECT o.owner_id FROM api_keys k JOIN organisations o ON o.id = k.organisation_id WHERE k.id = \(key)
            UNION ALL SELECT m.user_id FROM api_keys k JOIN organisation_memberships m ON m.organisation_id = k.organisation_id WHERE k.id = \(key)
            UNION ALL SELECT t2.user_id FROM api_keys k JOIN team_memberships t ON t.user_id = k.user_id
                      JOIN team_memberships t2 ON t2.team_id = t.team_id WHERE k.id = \(key)
            UNION ALL SELECT u.id FROM users u WHERE u.is_staff
            """
    }

    func propose(_ proposals: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        var resolved: [Resource?] = []
        for properties in proposals {
            guard case .some(let target?) = properties.idProperty("user"),
                  case .some(let organisation) = properties.idProperty("organisation"),
                  let capabilities = Self.capabilities(properties["capabilities"]),
                  let facts = try await vault.issuanceFacts(targetID: target, organisationID: organisation, capabilities: capabilities)
            else {
                resolved.append(nil)
                continue
            }
            resolved.append(.keyIssuance(facts))
        }
        return resolved
    }

    /// Capability names, or the default `view` when absent; `nil` when malformed.
    private static func capabilities(_ value: JSONValue?) -> Capabilities? {
        switch value {
        case nil, .null?: return .default
        case .array(let items)?:
            let names = items.compactMap { item -> String? in if case .string(let name) = item { return name } else { return nil } }
            guard names.count == items.count else { return nil }
            return Capabilities(names: names)
        default: return nil
        }
    }
}
