import Policy
import Vault

/// Finds the objects an issuer selects for a fine-grained key (SPEC §15) through the mounted
/// plugins' resolvers: the same facts the decision API judges.
public struct ResolverSelectionLookup: KeySelectionLookup {
    let engine: PolicyEngine
    let resolvers: [ResourceType: any ResourceResolver]

    public init(engine: PolicyEngine, resolvers: [any ResourceResolver]) {
        self.engine = engine
        self.resolvers = Dictionary(resolvers.map { ($0.resourceType, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The plugins mounted: their resolvers.
    public init(engine: PolicyEngine, plugins: [any MountedPlugin]) {
        self.init(engine: engine, resolvers: plugins.flatMap(\.resourceResolvers))
    }

    public func objects(_ type: String, references: [String], userID: Int64) async throws -> [Resource?]? {
        guard let resourceType = engine.resourceType(permissionType: type), let resolver = resolvers[resourceType] else { return nil }
        // Resolvers read only the asking user's id (for the roles they hold in each object).
        return try await resolver.resolve(selected: references, for: UserPrincipal(userID: userID, tier: .free))
    }
}
