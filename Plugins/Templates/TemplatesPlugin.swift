import Fixtures
import PluginKit
import Policy
import TemplatesPolicy

/// The question-group templates plugin (SPEC §4 Question-group templates): list and retrieve.
///
/// Table: `question_group_templates` (`db/templates`). Rules: ``TemplateRules``. Publishing is a
/// web-UI operation, so every other method answers 405.
public struct TemplatesPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "templates" }

    public var policyRules: any PolicyRules { TemplateRules() }

    /// This plugin's part of the OpenAPI document (`openapi.json` in this folder).
    static let openAPI = OpenAPIPart(json: embeddedOpenAPI)

    public var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }

    public var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

    public var fixtureSection: (any FixtureSection)? { FixtureSectionOf<TemplateFixtureRows>() }

    public func mount(dependencies: PluginDependencies) -> any MountedPlugin {
        MountedTemplates(repository: TemplateRepository(pool: dependencies.pool), engine: dependencies.engine)
    }
}

/// The templates plugin as mounted: one repository behind its routes and its resolver.
struct MountedTemplates: MountedPlugin {
    let repository: TemplateRepository
    let engine: PolicyEngine

    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        TemplateController<Context>(repository: repository, engine: engine).register(on: routes)
    }

    var resourceResolvers: [any ResourceResolver] { [TemplateResolver(repository: repository)] }
}
