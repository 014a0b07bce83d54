import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import Testing

/// A plugin's own resource type, registered without touching the engine.
private struct ReportFacts: ResourceFacts {
    var ownerID: Int64
    var resourceType: ResourceType { "report" }
    var objectID: Int64? { nil }
    func matches(leaf: VisibilityPredicate) -> Bool {
        if case .ownerIs(let id) = leaf { return id == ownerID }
        return false
    }
    /// Reports are personal: never inside an organisation.
    func isWithin(organisation id: Int64) -> Bool { false }
    func isWithin(team id: Int64) -> Bool { false }
}

private struct ReportRules: PolicyRules {
    var actions: [Action] { [Action("report.list")!, Action("report.retrieve")!] }

    func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        guard let user = principal.user else { return .anonymous }
        if action.verb == .list { return .filteredList }
        guard let report = object.exactly(ReportFacts.self) else { return .resourceMismatch }
        return report.ownerID == user.userID ? .allow(.allowOwner, "Own report.") : .deny(.denyNotMember, "Not yours.")
    }

    func visibility(_ principal: Principal, for action: Action) -> VisibilityPredicate? {
        principal.user.map { .ownerIs($0.userID) } ?? VisibilityPredicate.none
    }
}

@Suite("Policy engine")
struct PolicyEngineTests {
    @Test("a plugin registers its own resource type and rules")
    func customPlugin() {
        var engine = standardEngine
        engine.register(ReportRules())
        let alice = Principal.user(UserPrincipal(userID: 1, tier: .pro))
        let report = Resource.object(ReportFacts(ownerID: 1))
        #expect(engine.decide(alice, "report.retrieve", report).code == .allowOwner)
        #expect(engine.decide(alice, "report.delete", report).code == .denyUnknownAction)
        #expect(engine.visibility(alice, for: Action("report.list")!).evaluate(on: report))
        #expect(standardEngine.decide(alice, "report.retrieve", report).code == .denyUnknownAction)
        // The engine's own guarantee holds for plugin rules too.
        let free = Principal.user(UserPrincipal(userID: 1, tier: .free))
        #expect(engine.decide(free, "report.retrieve", report).code == .denyTier)
        #expect(engine.actions.contains(Action("report.list")!))
    }

    @Test("the standard engine handles exactly the built-in actions")
    func actions() {
        #expect(Set(standardEngine.actions) == Set(builtinActions))
        for action in specActions { #expect(standardEngine.rules(for: action) != nil) }
    }

    @Test("decisions carry codes and reasons; allow decisions need no allocation-heavy data")
    func decisionShape() {
        let decision = Decision.missing(.edit)
        #expect(decision.code.rawValue == "DENY_CAPABILITY")
        #expect(decision.description == "deny DENY_CAPABILITY: API key lacks the 'edit' capability.")
        #expect(decision.adding(reason: "more").reasons.count == 2)
    }

    @Test("predicates simplify without changing meaning")
    func simplification() {
        let predicate = VisibilityPredicate.or([.and([.all, .ownerIs(1)]), .organisationIn([]), .or([.teamIn([3, 2, 3]), .none])])
        #expect(predicate.simplified() == .or([.ownerIs(1), .teamIn([2, 3])]))
        #expect(VisibilityPredicate.and([.none, .all]).simplified() == .none)
        #expect(VisibilityPredicate.or([.all, .isGlobal]).simplified() == .all)
        #expect(VisibilityPredicate.and([]).simplified() == .all)
        #expect(VisibilityPredicate.or([]).simplified() == .none)
    }

    @Test("visibility of anonymous callers")
    func anonymousVisibility() {
        #expect(standardEngine.visibility(.anonymous, for: .datasetList) == .and([.isActive, .isGlobal]))
        #expect(standardEngine.visibility(.anonymous, for: .surveyList) == .none)
        #expect(standardEngine.visibility(.anonymous, for: .templateList) == .none)
        #expect(standardEngine.visibility(.anonymous, for: .surveyRetrieve) == .none)
    }
}
