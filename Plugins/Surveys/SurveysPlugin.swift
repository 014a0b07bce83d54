import Fixtures
import PluginKit
import Policy
import SurveysPolicy

/// The surveys plugin (SPEC §4 Surveys): list, retrieve and response metrics of surveys, and
/// their writes (create, update, partial update, delete).
///
/// Tables: `surveys`, `survey_memberships`, `survey_responses` (`db/surveys`). Rules:
/// ``SurveyRules``.
public struct SurveysPlugin: ResourcePlugin {
    public init() {}

    public var name: String { "surveys" }

    public var policyRules: any PolicyRules { SurveyRules() }

    /// This plugin's part of the OpenAPI document (`openapi.json` in this folder).
    static let openAPI = OpenAPIPart(json: embeddedOpenAPI)

    public var openAPITag: OpenAPIFragment { Self.openAPI["tag"] }

    public var openAPIComponents: OpenAPIFragment { Self.openAPI["components"] }

    public var fixtureSection: (any FixtureSection)? { FixtureSectionOf<SurveyFixtureRows>() }

    public func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>, dependencies: PluginDependencies) {
        SurveyController<Context>(repository: SurveyRepository(pool: dependencies.pool, changes: dependencies.tableChanges), engine: dependencies.engine)
            .register(on: routes)
    }

    public func resourceResolvers(dependencies: PluginDependencies) -> [any ResourceResolver] {
        [SurveyResolver(repository: SurveyRepository(pool: dependencies.pool, changes: dependencies.tableChanges))]
    }
}
