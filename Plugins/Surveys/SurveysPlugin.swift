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

    public func mount(dependencies: PluginDependencies) -> any MountedPlugin {
        MountedSurveys(repository: SurveyRepository(pool: dependencies.pool, changes: dependencies.tableChanges), engine: dependencies.engine)
    }
}

/// The surveys plugin as mounted: one repository (one read cache) behind its routes and its resolver.
struct MountedSurveys: MountedPlugin {
    let repository: SurveyRepository
    let engine: PolicyEngine

    func registerRoutes<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        SurveyController<Context>(repository: repository, engine: engine).register(on: routes)
    }

    var resourceResolvers: [any ResourceResolver] { [SurveyResolver(repository: repository)] }
}
