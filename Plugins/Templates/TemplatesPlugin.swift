import PluginKit
import Policy

/// The question-group templates plugin (SPEC §4 Question-group templates): list and retrieve.
///
/// Table: `question_group_templates` (`db/templates`). Rules: ``TemplateRules``. Publishing is a
/// web-UI operation, so every other method answers 405.
public struct TemplatesPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "templates" }

    public var policyRules: any PolicyRules { TemplateRules() }

    public var openAPITag: OpenAPIFragment { TemplatesOpenAPI.tag }

    public var openAPIComponents: OpenAPIFragment { TemplatesOpenAPI.components }

    public func registerRoutes<Context: PluginRequestContext>(on routes: PluginRoutes<Context>, dependencies: PluginDependencies) {
        TemplateController<Context>(repository: TemplateRepository(pool: dependencies.pool), engine: dependencies.engine)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [TemplateResolver(repository: TemplateRepository(pool: dependencies.pool))]
    }
}
