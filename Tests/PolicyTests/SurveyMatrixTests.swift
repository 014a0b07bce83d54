import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// The CheckTick survey permission matrix (SPEC §4): every role × list visibility, retrieve,
/// metrics, update and delete, with the expected code.
@Suite("Survey permission matrix")
struct SurveyMatrixTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let role: CheckTick.Role
        let listed: Bool
        let read: DecisionCode
        let update: DecisionCode
        let delete: DecisionCode
        var testDescription: String { role.rawValue }
    }

    static let rows: [Row] = [
        Row(role: .owner, listed: true, read: .allowOwner, update: .allowOwner, delete: .allowOwner),
        Row(role: .orgAdmin, listed: true, read: .allowOrgAdmin, update: .allowOrgAdmin, delete: .allowOrgAdmin),
        Row(role: .orgOwner, listed: true, read: .allowOrgOwner, update: .allowOrgOwner, delete: .allowOrgOwner),
        Row(role: .orgCreator, listed: false, read: .denyNotMember, update: .denyNotMember, delete: .denyNotMember),
        Row(role: .orgViewer, listed: false, read: .denyNotMember, update: .denyNotMember, delete: .denyNotMember),
        Row(role: .surveyCreator, listed: true, read: .allowSurveyMember, update: .allowSurveyMember, delete: .denyRole),
        Row(role: .surveyEditor, listed: true, read: .allowSurveyMember, update: .allowSurveyMember, delete: .denyRole),
        Row(role: .surveyViewer, listed: true, read: .allowSurveyMember, update: .denyRole, delete: .denyRole),
        Row(role: .teamAdmin, listed: true, read: .allowTeamAdmin, update: .allowTeamAdmin, delete: .denyRole),
        Row(role: .outsider, listed: false, read: .denyNotMember, update: .denyNotMember, delete: .denyNotMember),
        Row(role: .anonymous, listed: false, read: .denyAnonymous, update: .denyAnonymous, delete: .denyAnonymous),
    ]

    @Test("every role", arguments: rows)
    func matrix(_ row: Row) {
        let principal = CheckTick.principal(row.role)
        let survey = Resource.survey(CheckTick.surveyFacts)
        let visibility = standardEngine.visibility(principal, for: .surveyList)
        #expect(visibility.evaluate(on: CheckTick.surveyFacts) == row.listed)
        let list = standardEngine.decide(principal, .surveyList, .collection)
        #expect(list.code == (row.role == .anonymous ? .denyAnonymous : .allowFiltered))
        for action in [Action.surveyRetrieve, .surveyMetrics] {
            let decision = standardEngine.decide(principal, action, survey)
            #expect(decision.code == row.read, "\(action)")
            #expect(decision.isAllowed == row.read.rawValue.hasPrefix("ALLOW"))
        }
        #expect(standardEngine.decide(principal, .surveyUpdate, survey).code == row.update)
        #expect(standardEngine.decide(principal, .surveyDelete, survey).code == row.delete)
    }

    @Test("the capability is checked before the role, with the SPEC wording")
    func capabilityFirst() {
        let viewOnly = CheckTick.principal(.owner, capabilities: .view)
        let survey = Resource.survey(CheckTick.surveyFacts)
        let update = standardEngine.decide(viewOnly, .surveyUpdate, survey)
        #expect(!update.isAllowed)
        #expect(update.code == .denyCapability)
        #expect(update.reasons == ["API key lacks the 'edit' capability."])
        #expect(standardEngine.decide(viewOnly, .surveyDelete, survey).reasons == ["API key lacks the 'delete' capability."])
        #expect(standardEngine.decide(viewOnly, .surveyCreate, survey).reasons == ["API key lacks the 'add' capability."])
        let none = CheckTick.principal(.outsider, capabilities: [])
        #expect(standardEngine.decide(none, .surveyRetrieve, survey).code == .denyCapability)
        #expect(standardEngine.decide(none, .surveyList, .collection).code == .denyCapability)
        #expect(standardEngine.visibility(none, for: .surveyList) == .none)
    }

    @Test("the free tier is denied whatever the role")
    func freeTier() {
        let free = CheckTick.principal(.owner, tier: .free)
        for action in [Action.surveyList, .surveyRetrieve, .surveyMetrics, .surveyUpdate, .surveyDelete] {
            let decision = standardEngine.decide(free, action, .survey(CheckTick.surveyFacts))
            #expect(decision.code == .denyTier)
            #expect(decision.reasons == ["API access requires a paid account tier."])
        }
    }

    struct CreateRow: Sendable, CustomTestStringConvertible {
        let role: CheckTick.Role
        let organisation: Int64?
        let team: Int64?
        let expected: DecisionCode
        var testDescription: String { "\(role.rawValue) org=\(organisation.map(String.init) ?? "-") team=\(team.map(String.init) ?? "-")" }
    }

    static let createRows: [CreateRow] = [
        // Keys are issued in organisation 1: a personal survey is outside it (SPEC §2).
        CreateRow(role: .outsider, organisation: nil, team: nil, expected: .denyOutsideOrganisation),
        CreateRow(role: .orgAdmin, organisation: CheckTick.organisation, team: nil, expected: .allowOrgAdmin),
        CreateRow(role: .orgOwner, organisation: CheckTick.organisation, team: nil, expected: .allowOrgOwner),
        CreateRow(role: .orgCreator, organisation: CheckTick.organisation, team: nil, expected: .allowOrgCreator),
        CreateRow(role: .orgViewer, organisation: CheckTick.organisation, team: nil, expected: .denyRole),
        CreateRow(role: .outsider, organisation: CheckTick.organisation, team: nil, expected: .denyNotMember),
        CreateRow(role: .teamAdmin, organisation: nil, team: CheckTick.team, expected: .denyOutsideOrganisation),
        CreateRow(role: .orgAdmin, organisation: nil, team: CheckTick.team, expected: .denyOutsideOrganisation),
        CreateRow(role: .teamAdmin, organisation: CheckTick.organisation, team: CheckTick.team, expected: .denyNotMember),
        CreateRow(role: .anonymous, organisation: nil, team: nil, expected: .denyAnonymous),
    ]

    @Test("create", arguments: createRows)
    func create(_ row: CreateRow) {
        let principal = CheckTick.principal(row.role)
        let facts = SurveyFacts(id: 0, ownerID: principal.userID ?? 0, organisationID: row.organisation, teamID: row.team)
        #expect(standardEngine.decide(principal, .surveyCreate, .survey(facts)).code == row.expected)
    }

    @Test("a key without organisation creates personal and team surveys")
    func createWithPersonalKey() {
        let outsider = CheckTick.principal(.outsider, keyOrganisation: nil)
        let personal = SurveyFacts(id: 0, ownerID: CheckTick.outsider)
        #expect(standardEngine.decide(outsider, .surveyCreate, .survey(personal)).code == .allowOwner)
        let teamAdmin = CheckTick.principal(.teamAdmin, keyOrganisation: nil)
        let inTeam = SurveyFacts(id: 0, ownerID: CheckTick.teamAdmin, teamID: CheckTick.team)
        #expect(standardEngine.decide(teamAdmin, .surveyCreate, .survey(inTeam)).code == .allowTeamAdmin)
    }

    @Test("a key of another organisation reaches none of this one's surveys, whatever the roles")
    func confinedElsewhere() {
        let admin = CheckTick.principal(.orgAdmin, keyOrganisation: CheckTick.otherOrganisation)
        for action in [Action.surveyRetrieve, .surveyMetrics, .surveyUpdate, .surveyDelete] {
            #expect(standardEngine.decide(admin, action, .survey(CheckTick.surveyFacts)).code == .denyOutsideOrganisation)
        }
        let predicate = standardEngine.visibility(admin, for: .surveyList)
        #expect(!predicate.evaluate(on: CheckTick.surveyFacts))
    }

    @Test("a survey cannot be created on someone else's behalf")
    func createForOther() {
        let facts = SurveyFacts(id: 0, ownerID: CheckTick.owner)
        #expect(!standardEngine.decide(CheckTick.principal(.orgAdmin), .surveyCreate, .survey(facts)).isAllowed)
    }

    @Test("wrong resource facts are denied")
    func mismatch() {
        let decision = standardEngine.decide(CheckTick.principal(.owner), .surveyRetrieve,
                                             .dataset(DatasetFacts(key: "x", category: .rcpch)))
        #expect(decision.code == .denyResourceMismatch)
    }
}
