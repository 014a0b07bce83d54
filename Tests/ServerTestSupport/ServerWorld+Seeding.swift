import Foundation
import Postgres
import TestSupport

/// Seeding and inspection helpers shared by the server and plugin test targets.
extension ServerWorld {
    /// Inserts a dataset directly; `name` defaults to the key upper-cased. Created at
    /// 2026-11-20T10:00:00Z, updated half a second into the next day.
    public func dataset(
        _ key: String, name: String? = nil, description: String = "", global: Bool = false,
        category: String = "user_created", organisation: Int64? = nil, team: Int64? = nil, createdBy: Int64? = nil,
        active: Bool = true, options: [String] = [], tags: [String] = []
    ) async throws {
        try await pool.execute("""
            INSERT INTO datasets (key, name, description, category, is_global, organisation_id, team_id, created_by,
                                  options, tags, is_active, created_at, updated_at)
            VALUES (\(key), \(name ?? key.uppercased()), \(description), \(category), \(global), \(organisation), \(team),
                    \(createdBy), \(options), \(tags), \(active), '2026-11-20 10:00:00+00', '2026-11-21 10:00:00.5+00')
            """)
    }

    /// How many datasets exist.
    public func datasetCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM datasets")[0].decode(Int.self, at: 0)
    }
}

extension Reply {
    /// The items of a JSON array (or of a page's `results`).
    public var items: [[String: Any]] { (json as? [[String: Any]]) ?? (object["results"] as? [[String: Any]]) ?? [] }
    /// The `key`s of the listed datasets, in order.
    public var keys: [String] { items.compactMap { $0["key"] as? String } }
    /// The `(tag, count)` pairs of an available-tags reply, in order.
    public var tagCounts: [(String, Int)] {
        ((object["tags"] as? [[String: Any]]) ?? []).compactMap { item in
            guard let tag = item["tag"] as? String, let count = item["count"] as? Int else { return nil }
            return (tag, count)
        }
    }
}

extension ServerWorld {
    /// Inserts a question-group template; `createdAt` is a PostgreSQL timestamp literal.
    @discardableResult
    public func template(
        _ name: String, publisher: Int64, level: String = "global", organisation: Int64? = nil,
        status: String = "active", tags: [String] = [], language: String = "en", importCount: Int = 0,
        description: String = "", markdown: String = "", attribution: String = "{}",
        createdAt: String = "2026-01-02 03:04:05+00"
    ) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO question_group_templates
                (name, description, markdown, publication_level, publisher_id, organisation_id, attribution,
                 tags, language, import_count, status, created_at)
            VALUES (\(name), \(description), \(markdown), \(level), \(publisher), \(organisation), \(attribution)::jsonb,
                    \(tags), \(language), \(importCount), \(status), \(createdAt)::timestamptz)
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// Every user's organisation memberships and owned organisations.
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
