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

    public func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>, dependencies: PluginDependencies) {
        TemplateController<Context>(repository: TemplateRepository(pool: dependencies.pool), engine: dependencies.engine)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [TemplateResolver(repository: TemplateRepository(pool: dependencies.pool))]
    }
}
