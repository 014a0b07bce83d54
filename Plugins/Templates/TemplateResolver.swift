import PluginKit
import Policy
import Postgres

/// Question-group templates for the decision API, by id.
struct TemplateResolver: ResourceResolver {
    let pool: PGPool

    var resourceType: ResourceType { .template }

    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        try await lookups.resolve(parse: ObjectID.int64) { ids in
            let rows = try await pool.query("SELECT \(TemplateRecord.columns) FROM \(TemplateRecord.tables) WHERE t.id = ANY(\(ids))")
            var found: [Int64: Resource] = [:]
            for row in rows {
                let record = try TemplateRecord(row: row, from: 0, callerID: 0)
                found[record.id] = .template(record.facts)
            }
            return found
        }
    }
}
