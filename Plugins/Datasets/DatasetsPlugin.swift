import Fixtures
import PluginKit
import Policy
import DatasetsPolicy

/// The datasets plugin (SPEC §4 Datasets): list, retrieve and tag counts of datasets, and
/// writes of organisation datasets.
///
/// Table: `datasets` (`db/datasets`). Rules: ``DatasetRules``.
public struct DatasetsPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "datasets" }

    public var policyRules: any PolicyRules { DatasetRules() }

    /// This plugin's part of the OpenAPI document (`openapi.json` in this folder).
    static let openAPI = OpenAPIPart(json: embeddedOpenAPI)

    public var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }

    public var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

    public var fixtureSection: (any FixtureSection)? { FixtureSectionOf<DatasetFixtureRows>() }

    public func mount(dependencies: PluginDependencies) -> any MountedPlugin {
        MountedDatasets(repository: DatasetRepository(pool: dependencies.pool), engine: dependencies.engine)
    }
}

/// The datasets plugin as mounted: one repository behind its routes and its resolver.
struct MountedDatasets: MountedPlugin {
    let repository: DatasetRepository
    let engine: PolicyEngine

    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        DatasetController<Context>(repository: repository, engine: engine).register(on: routes)
    }

    var resourceResolvers: [any ResourceResolver] { [DatasetResolver(repository: repository)] }
}
