import PluginKit
import Policy

/// The datasets plugin (SPEC §4 Datasets): list, retrieve and tag counts of datasets, and
/// writes of organisation datasets.
///
/// Table: `datasets` (`db/datasets`). Rules: ``DatasetRules``.
public struct DatasetsPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "datasets" }

    public var policyRules: any PolicyRules { DatasetRules() }

    public var openAPITag: OpenAPIFragment { DatasetsOpenAPI.tag }

    public var openAPIComponents: OpenAPIFragment { DatasetsOpenAPI.components }

    public func registerRoutes<Context: PluginRequestContext>(on routes: PluginRoutes<Context>, dependencies: PluginDependencies) {
        DatasetController<Context>(repository: DatasetRepository(pool: dependencies.pool), engine: dependencies.engine)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [DatasetResolver(repository: DatasetRepository(pool: dependencies.pool))]
    }
}
