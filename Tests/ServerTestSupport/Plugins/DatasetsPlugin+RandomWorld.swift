import Datasets
import Foundation
import HTTPTypes
import Testing
import TestSupport

extension ServerWorld {
    /// Inserts a dataset directly, returning its integer id; `name` defaults to the key upper-cased. Created at
    /// 2026-11-20T10:00:00Z, updated half a second into the next day.
    @discardableResult
    public func dataset(
        _ key: String, name: String? = nil, description: String = "", global: Bool = false,
        category: String = "user_created", organisation: Int64? = nil, team: Int64? = nil, createdBy: Int64? = nil,
        active: Bool = true, options: [String] = [], tags: [String] = []
    ) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO datasets (key, name, description, category, is_global, organisation_id, team_id, created_by,
                                  options, tags, is_active, created_at, updated_at)
            VALUES (\(key), \(name ?? key.uppercased()), \(description), \(category), \(global), \(organisation), \(team),
                    \(createdBy), \(options), \(tags), \(active), '2026-11-20 10:00:00+00', '2026-11-21 10:00:00.5+00')
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    /// How many datasets exist.
    public func datasetCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM datasets")[0].decode(Int.self, at: 0)
    }
}

extension Reply {
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

/// Ten datasets, some global, most in an organisation (some in one of its teams). A dataset
/// of elsewhere is not found (404).
extension DatasetsPlugin: RandomWorldPlugin {
    public func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject] {
        var placed: [PlacedObject] = []
        for index in 0..<10 {
            let global = random.chance(0.2)
            let organisation = random.chance(0.7) ? tenants.organisations.randomElement(using: &random) : nil
            let key = "d\(index)"
            let team = tenants.team(for: organisation, &random)
            let id = try await world.dataset(key, global: global, organisation: organisation, team: team,
                                    createdBy: tenants.users.randomElement(using: &random), tags: ["t\(index % 3)"])
            placed.append(PlacedObject(.dataset, id: key, organisations: Set([organisation].compactMap { $0 }), team: team, global: global, selectionID: id))
        }
        return placed
    }

    public var hiddenObjectStatuses: Set<HTTPResponse.Status> { [.notFound] }
    public var updateBody: String { #"{"name":"taken"}"# }

    /// A listed dataset of the organisation names it; the tags count exactly the listed datasets.
    public func isolationChecks(_ caller: IsolatedCaller) async throws -> Int {
        let datasets = try await caller.send("/api/datasets/").items
        let name = try await caller.world.pool.query("SELECT name FROM organisations WHERE id = \(caller.home)")[0].decode(String.self, at: 0)
        for item in datasets {
            let placed = caller.objects.first { $0.type == .dataset && $0.id == item["key"] as? String }
            if placed?.global == false { #expect(item["organisation_name"] as? String == name, "dataset \(item)") }
        }
        let tags = (try await caller.send("/api/datasets/available-tags/").object["tags"] as? [[String: Any]] ?? [])
            .reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
        #expect(tags == datasets.count)
        return 2
    }
}
