import PluginKit
import Policy
import Postgres

/// Datasets for the decision API, by key.
struct DatasetResolver: ResourceResolver {
    let pool: PGPool

    var resourceType: ResourceType { .dataset }

    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        try await lookups.resolve(parse: { DatasetRecord.isWellFormedKey($0) ? $0 : nil }) { keys in
            let rows = try await pool.query("SELECT \(DatasetRecord.columns) FROM \(DatasetRecord.tables) WHERE d.key = ANY(\(keys))")
            var found: [String: Resource] = [:]
            for row in rows {
                let record = try DatasetRecord(row: row, from: 0)
                found[record.key] = .dataset(record.facts)
            }
            return found
        }
    }
}
