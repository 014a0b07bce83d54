import PluginKit
import Policy

/// The surveys plugin (SPEC §4 Surveys): list, retrieve and response metrics of surveys, and
/// their writes (create, update, partial update, delete).
///
/// Tables: `surveys`, `survey_memberships`, `survey_responses` (`db/surveys`). Rules:
/// ``SurveyRules``.
public struct SurveysPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "surveys" }

    public var policyRules: any PolicyRules { SurveyRules() }

    public var openAPITag: OpenAPIFragment { SurveysOpenAPI.tag }

    public var openAPIComponents: OpenAPIFragment { SurveysOpenAPI.components }

    public func registerRoutes<Context: PluginRequestContext>(on routes: PluginRoutes<Context>, dependencies: PluginDependencies) {
        SurveyController<Context>(repository: SurveyRepository(pool: dependencies.pool, changes: dependencies.tableChanges), engine: dependencies.engine)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [SurveyResolver(repository: SurveyRepository(pool: dependencies.pool, changes: dependencies.tableChanges))]
    }
}
