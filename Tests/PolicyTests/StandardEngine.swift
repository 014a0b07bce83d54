import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy

/// The engine with every built-in rule set registered, as the server will assemble it.
let standardEngine = PolicyEngine(rules: [
    SurveyRules(), DatasetRules(), TemplateRules(), UsersDirectoryRules(), KeyRules(),
])

/// Every action listed in SPEC §6, in SPEC order.
let specActions: [Action] = [
    .surveyList, .surveyRetrieve, .surveyMetrics, .surveyCreate, .surveyUpdate, .surveyDelete,
    .datasetList, .datasetRetrieve, .datasetCreate, .datasetUpdate, .datasetDelete,
    .templateList, .templateRetrieve,
    .userList, .userRetrieve,
    .keyIssue, .keyRevoke,
]

/// Every built-in action, the SPEC §6 ones and the user-directory writes.
let builtinActions: [Action] = specActions + [.userCreate, .userUpdate, .userDelete]

/// The resources the standard engine knows, as one enum, so a reference model can match them.
enum KnownResource {
    case collection, other
    case survey(SurveyFacts), dataset(DatasetFacts), template(TemplateFacts), user(UsersDirectoryFacts)
    case key(KeyFacts), keyIssuance(KeyIssuanceFacts)
}

extension Resource {
    var known: KnownResource {
        switch self {
        case .collection: return .collection
        case .object(let facts):
            if let facts = facts as? KeyFacts { return .key(facts) }
            if let facts = facts as? KeyIssuanceFacts { return .keyIssuance(facts) }
            if let facts = facts as? SurveyFacts { return .survey(facts) }
            if let facts = facts as? DatasetFacts { return .dataset(facts) }
            if let facts = facts as? TemplateFacts { return .template(facts) }
            if let facts = facts as? UsersDirectoryFacts { return .user(facts) }
            return .other
        }
    }
}
