import PluginKit
import Policy

/// Datasets for the decision API, by key.
struct DatasetResolver: ResourceResolver {
    let repository: DatasetRepository

    var resourceType: ResourceType { .dataset }

    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        try await lookups.resolve(parse: { DatasetRecord.isWellFormedKey($0) ? $0 : nil }) { keys in
            Dictionary(try await repository.find(keys: keys).map { ($0.key, .dataset($0.facts)) }, uniquingKeysWith: { first, _ in first })
        }
    }
}
