import Foundation
import Postgres
import TestSupport

extension Reply {
    /// The items of a JSON array (or of a page's `results`).
    public var items: [[String: Any]] { (json as? [[String: Any]]) ?? (object["results"] as? [[String: Any]]) ?? [] }
}

/// Seeding and inspection helpers shared by the server and plugin test targets (each plugin's
/// rows are seeded in its own file under `Plugins/`).
extension ServerWorld {
    /// Keys for a differential test: a personal key for every user, and keys confined to the
    /// organisations and teams each belongs to (SPEC §2: a confined key of a non-member acts not
    /// at all, so none are made for non-members), each with `chance`.
    public func confinedKeys(users: [Int64], chance: Double = 0.5, random: inout SplitMix64) async throws -> [String] {
        let (roles, owned) = try await organisationsByUser()
        let teams = try await pool.query("SELECT user_id, team_id FROM team_memberships ORDER BY team_id").map { try $0.decode((Int64, Int64).self) }
        var keys: [String] = []
        for user in users {
            keys.append(try await key(for: user))
            for organisation in Set(roles[user, default: []] + owned[user, default: []]).sorted() where random.chance(chance) {
                keys.append(try await key(for: user, organisation: organisation))
            }
            for (member, team) in teams where member == user && random.chance(chance) {
                keys.append(try await key(for: user, team: team))
            }
        }
        return keys
    }

    /// Every user's organisation memberships and owned organisations.
    public func organisationsByUser() async throws -> (roles: [Int64: [Int64]], owned: [Int64: [Int64]]) {
        var roles: [Int64: [Int64]] = [:], owned: [Int64: [Int64]] = [:]
        for row in try await pool.query("SELECT user_id, organisation_id FROM organisation_memberships") {
            roles[try row.decode(Int64.self, at: 0), default: []].append(try row.decode(Int64.self, at: 1))
        }
        for row in try await pool.query("SELECT owner_id, id FROM organisations WHERE owner_id IS NOT NULL") {
            owned[try row.decode(Int64.self, at: 0), default: []].append(try row.decode(Int64.self, at: 1))
        }
        return (roles, owned)
    }
}

extension Reply {
    /// The `id`s of a JSON array (or of a page's `results`), in order.
    public var orderedIDs: [Int64] {
        let items = (json as? [[String: Any]]) ?? (object["results"] as? [[String: Any]]) ?? []
        return items.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }
}


extension ServerWorld {
    /// A digest of every row of every table: equal before and after means nothing changed.
    /// An md5 of each table's rows, by table name: to say which tables a request changed.
    public func tableFingerprints() async throws -> [String: String] {
        let rows = try await pool.query("""
            SELECT table_name::text, md5(query_to_xml(format('SELECT * FROM %I ORDER BY 1', table_name), true, false, '')::text)
            FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            """)
        var result: [String: String] = [:]
        for row in rows { result[try row.decode(String.self, at: 0)] = try row.decode(String.self, at: 1) }
        return result
    }

    public func fingerprint() async throws -> String {
        try await pool.query("""
            SELECT md5(string_agg(query_to_xml(format('SELECT * FROM %I.%I ORDER BY 1', table_schema, table_name),
                                               true, false, '')::text, '' ORDER BY table_name))
            FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            """)[0].decode(String.self, at: 0)
    }
}
