import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport
import Testing

/// SPEC §15 in the engine: permissions per resource type and selected objects.
@Suite("Fine-grained keys: permissions and selections")
struct FineGrainedTests {
    static let organisation: Int64 = 10
    static let survey = SurveyFacts(id: 12, ownerID: 2, organisationID: organisation)
    static let otherSurvey = SurveyFacts(id: 40, ownerID: 2, organisationID: organisation)
    static let template = TemplateFacts(id: 7, level: .organisation, organisationID: organisation, publisherID: 2)
    static let dataset = DatasetFacts(key: "ours", category: .userCreated, organisationID: organisation)

    /// An organisation admin's key in the organisation, with `capabilities` and `permissions`.
    static func admin(_ capabilities: Capabilities = .all, _ permissions: KeyPermissions? = nil) -> Principal {
        .user(UserPrincipal(
            userID: 1, tier: .organisation, capabilities: capabilities, keyOrganisationID: organisation,
            organisationRoles: [organisation: .admin], permissions: permissions))
    }

    static func permissions(_ verbs: [String: [String]], _ ids: [String: [Int64]] = [:]) -> KeyPermissions {
        try! KeyPermissions(verbs: verbs, ids: ids)
    }

    @Test("the engine names each plugin's type; the key rules have none")
    func permissionTypes() throws {
        #expect(standardEngine.permissionTypes == ["surveys", "datasets", "templates", "users"])
        #expect(SurveyRules().permissionType == "surveys" && UsersDirectoryRules().permissionType == "users")
        #expect(KeyRules().permissionType == nil)
        try standardEngine.validate(Self.permissions(["surveys": ["view"], "users": ["superuser"]]))
        #expect(throws: KeyPermissionsError.unknownTypes(["keys", "reports"])) {
            try standardEngine.validate(Self.permissions(["surveys": ["view"], "reports": ["view"], "keys": ["view"]]))
        }
    }

    @Test("parsing: verbs and ids, refused with clear errors")
    func parsing() throws {
        let parsed = try KeyPermissions(verbs: ["surveys": ["view", "edit"], "datasets": ["view"]], ids: ["surveys": [40, 12, 12]])
        #expect(parsed.types == ["datasets", "surveys"])
        #expect(parsed.grant(for: "surveys") == .init(type: "surveys", capabilities: [.view, .edit], selection: [12, 40]))
        #expect(parsed.grant(for: "datasets")?.selection == nil)
        #expect(parsed.grant(for: "templates") == nil)
        #expect(parsed.verbs == ["surveys": ["view", "edit"], "datasets": ["view"]])
        #expect(parsed.ids == ["surveys": [12, 40]])
        #expect(parsed.union == [.view, .edit])
        #expect(throws: KeyPermissionsError.unknownVerb(type: "surveys", verb: "write")) {
            try KeyPermissions(verbs: ["surveys": ["view", "write"]])
        }
        #expect(throws: KeyPermissionsError.noVerbs(type: "surveys")) { try KeyPermissions(verbs: ["surveys": []]) }
        #expect(throws: KeyPermissionsError.selectionWithoutPermission(type: "templates")) {
            try KeyPermissions(verbs: ["surveys": ["view"]], ids: ["templates": [1]])
        }
        #expect(throws: KeyPermissionsError.emptySelection(type: "surveys")) {
            try KeyPermissions(verbs: ["surveys": ["view"]], ids: ["surveys": []])
        }
        #expect(KeyPermissionsError.unknownVerb(type: "surveys", verb: "write").description.contains("'write'"))
    }

    @Test("a type the key does not name is refused DENY_CAPABILITY, in decisions, lists and searches")
    func unnamedType() {
        let key = Self.admin(.all, Self.permissions(["surveys": ["view"]]))
        let decision = standardEngine.decide(key, .templateRetrieve, .template(Self.template))
        #expect(!decision.isAllowed && decision.code == .denyCapability)
        #expect(decision.reasons.joined().contains("templates"))
        #expect(standardEngine.decide(key, .datasetCreate, .dataset(Self.dataset)).code == .denyCapability)
        #expect(standardEngine.decide(key, .userList, .collection).code == .denyCapability)
        #expect(standardEngine.visibility(key, for: .templateList) == .none)
        #expect(standardEngine.searchScope(key, for: .templateRetrieve) == VisibilityPredicate.none)
        // The plain key is allowed all of these.
        #expect(standardEngine.decide(Self.admin(), .templateRetrieve, .template(Self.template)).isAllowed)
        #expect(standardEngine.visibility(Self.admin(), for: .templateList) != .none)
    }

    @Test("a named type's verbs narrow the key's capabilities, verb by verb")
    func narrowedVerbs() {
        let key = Self.admin(.all, Self.permissions(["surveys": ["view"], "templates": ["view"]]))
        #expect(standardEngine.decide(key, .surveyRetrieve, .survey(Self.survey)).isAllowed)
        #expect(standardEngine.decide(key, .surveyUpdate, .survey(Self.survey)) == .missing(.edit))
        #expect(standardEngine.decide(key, .surveyDelete, .survey(Self.survey)) == .missing(.delete))
        // Never wider than the key's own capabilities.
        let viewOnly = Self.admin(.view, Self.permissions(["surveys": ["view", "edit"]]))
        #expect(standardEngine.decide(viewOnly, .surveyUpdate, .survey(Self.survey)) == .missing(.edit))
        // The key's own rules (revoking itself) are no permission type.
        #expect(standardEngine.decide(key, .keyRevoke, .key(KeyFacts(ownerID: 1, organisationID: Self.organisation))).isAllowed)
    }

    @Test("a selection admits only its objects, denies creates, and lists show only it")
    func selection() {
        let key = Self.admin(.all, Self.permissions(["surveys": ["view", "add", "edit"], "datasets": ["view"]],
                                                    ["surveys": [12], "datasets": [1]]))
        #expect(standardEngine.decide(key, .surveyRetrieve, .survey(Self.survey)).isAllowed)
        #expect(standardEngine.decide(key, .surveyUpdate, .survey(Self.survey)).isAllowed)
        let hidden = standardEngine.decide(key, .surveyRetrieve, .survey(Self.otherSurvey))
        #expect(hidden == .notSelected && hidden.code == .denyNotSelected)
        #expect(standardEngine.decide(key, .surveyUpdate, .survey(Self.otherSurvey)) == .notSelected)
        #expect(standardEngine.decide(key, .surveyCreate, .survey(Self.survey)) == .createOutsideSelection)
        #expect(standardEngine.decide(key, .surveyCreate, .collection).code == .denyCapability)
        // The question about no object is left to the list: not a selection denial.
        #expect(standardEngine.decide(key, .surveyList, .collection).isAllowed)
        #expect(standardEngine.decide(key, .surveyRetrieve, .collection).code != .denyNotSelected)
        let list = standardEngine.visibility(key, for: .surveyList)
        #expect(list.evaluate(on: Self.survey) && !list.evaluate(on: Self.otherSurvey))
        #expect(list.description.contains("id∈[12]"))
        let scope = standardEngine.searchScope(key, for: .surveyUpdate)
        #expect(scope?.evaluate(on: Self.survey) == true && scope?.evaluate(on: Self.otherSurvey) == false)
        #expect(standardEngine.decide(key, listing: .surveyList, row: .survey(Self.otherSurvey)).isAllowed == false)
        #expect(standardEngine.decide(key, listing: .surveyList, row: .survey(Self.survey)).isAllowed)
        // A dataset without an id (facts of one to be created) is admitted by no selection (fail closed).
        #expect(standardEngine.decide(key, .datasetRetrieve, .dataset(Self.dataset)) == .notSelected)
        #expect(!standardEngine.visibility(key, for: .datasetList).evaluate(on: Self.dataset))
        // Without the selection the same key sees both surveys.
        let unselected = Self.admin(.all, Self.permissions(["surveys": ["view"]]))
        #expect(standardEngine.decide(unselected, .surveyRetrieve, .survey(Self.otherSurvey)).isAllowed)
    }

    @Test("a selection refuses exactly its type's create, wherever the type's rules list it")
    func selectionRefusesCreateByPosition() {
        for action in standardEngine.actions {
            guard let type = standardEngine.permissionType(of: action.resource) else { continue }
            let key = Self.admin(.all, Self.permissions([type: Capabilities.all.names], [type: [12]]))
            let refused = standardEngine.decide(key, action, .collection) == .createOutsideSelection
            #expect(refused == (action.verb == .create), "\(action)")
        }
        // Rules listing `create` first, beside a verb the engine has no name for.
        let engine = PolicyEngine(rules: [WidgetRules()])
        let selecting = Self.admin(.all, Self.permissions(["widgets": ["view", "add"]], ["widgets": [12]]))
        #expect(engine.decide(selecting, Action("widget.create")!, .collection) == .createOutsideSelection)
        #expect(engine.decide(selecting, Action("widget.archive")!, .collection).isAllowed)
        let unselected = Self.admin(.all, Self.permissions(["widgets": ["view", "add"]]))
        #expect(engine.decide(unselected, Action("widget.create")!, .collection).isAllowed)
    }

    @Test("the idIn leaf: evaluation by objectID, description, simplification")
    func idInLeaf() {
        #expect(VisibilityPredicate.idIn([3, 1]).description == "id∈[1, 3]")
        #expect(VisibilityPredicate.idIn([]).simplified() == .none)
        #expect(VisibilityPredicate.and([.all, .idIn([12])]).simplified() == .idIn([12]))
        #expect(VisibilityPredicate.idIn([12]).evaluate(on: Self.survey))
        #expect(!VisibilityPredicate.idIn([12]).evaluate(on: Self.template))
        #expect(!VisibilityPredicate.idIn([12]).evaluate(on: NoObject()))
        #expect(Self.template.objectID == 7 && Self.dataset.objectID == nil && NoObject().objectID == nil)
        #expect(UsersDirectoryFacts(userID: 5, organisationIDs: []).objectID == 5)
    }
}

extension World {
    /// Random permissions for this world's types: each type named or not, a random mask, and
    /// sometimes a selection drawn from the world's ids (and ids of nothing).
    func randomPermissions(_ rng: inout SplitMix64) -> KeyPermissions {
        let ids: [String: [Int64]] = [
            "surveys": surveys.map(\.id), "templates": templates.map(\.id), "users": users.map(\.id), "datasets": [1, 2],
        ]
        var grants: [KeyPermissions.Grant] = []
        for type in standardEngine.permissionTypes where rng.chance(0.6) {
            var grant = KeyPermissions.Grant(type: type, capabilities: rng.capabilities())
            if rng.chance(0.4) {
                let candidates = (ids[type] ?? []) + [999]
                grant.selection = IDSet(candidates.filter { _ in rng.chance(0.5) })
            }
            grants.append(grant)
        }
        return KeyPermissions(grants)
    }
}

extension Principal {
    /// The same principal with a key carrying `permissions` (anonymous stays anonymous).
    func with(permissions: KeyPermissions?) -> Principal {
        guard case .user(var user) = self else { return self }
        user.permissions = permissions
        return .user(user)
    }
}

extension PropertyTests {
    @Test("permissions and selections: never more than the plain key, unnamed types refused, only selected objects")
    func fineGrainedNeverWidens() {
        var named = 0, selected = 0
        let worlds = Dictionary(uniqueKeysWithValues: Self.seeds.map { ($0, World(seed: $0)) })
        let cases = Self.userCases(salt: 33) { c, seed, rng in
            guard let user = c.user else { return }
            let permissions = worlds[seed]!.randomPermissions(&rng)
            let fine = c.principal.with(permissions: permissions)
            let plain = standardEngine.decide(c.principal, c.action, c.resource)
            let decision = standardEngine.decide(fine, c.action, c.resource)
            if decision.isAllowed {
                #expect(plain.isAllowed, "seed \(seed): \(c.action) allowed with \(permissions) but not without")
            }
            guard let type = standardEngine.rules(for: c.action)?.permissionType else {
                #expect(decision == plain, "seed \(seed): \(c.action) changed by permissions")
                return
            }
            guard let grant = permissions.grant(for: type) else {
                if user.tier != .free {
                    #expect(!decision.isAllowed && decision.code == .denyCapability, "seed \(seed): \(c.action) \(decision)")
                }
                return
            }
            named += 1
            if let selection = grant.selection {
                selected += 1
                if c.action.verb == .create { #expect(!decision.isAllowed) }
                if decision.isAllowed, let facts = c.resource.facts {
                    #expect(facts.objectID.map(selection.contains) == true, "seed \(seed): \(c.action) outside the selection")
                }
            }
        }
        print("fine-grained property: \(named) cases of a named type, \(selected) with a selection, of \(cases)")
        #expect(cases >= 20_000 && named >= 5_000 && selected >= 1_000)
    }

    @Test("with permissions and selections, visibility in memory == filter(decide retrieve), and searches admit every allowed object")
    func fineGrainedVisibilityMatchesDecisions() {
        var cases = 0
        let searched: [Action] = [.surveyUpdate, .surveyDelete, .surveyMetrics, .datasetUpdate, .datasetDelete, .userUpdate]
        for seed in Self.seeds {
            let world = World(seed: seed)
            var rng = SplitMix64(seed: seed &+ 34)
            for _ in 0..<12 {
                let (plain, _) = world.randomPrincipal(&rng)
                let principal = plain.with(permissions: world.randomPermissions(&rng))
                cases += PropertyTests.judgeRows(principal, world, &rng) { list, retrieve, predicate, resource, decided in
                    #expect(predicate.evaluate(on: resource) == decided, "seed \(seed): \(retrieve) \(resource) predicate \(predicate)")
                    #expect(standardEngine.decide(principal, listing: list, row: resource).isAllowed == decided)
                }
                for action in searched {
                    guard let scope = standardEngine.searchScope(principal, for: action) else { continue }
                    for resource in world.resources(for: action, proposer: nil, &rng)
                    where standardEngine.decide(principal, action, resource).isAllowed {
                        #expect(scope.evaluate(on: resource), "seed \(seed): \(action) allowed outside its search scope \(scope)")
                    }
                }
            }
        }
        #expect(cases >= 40_000)
    }
}

/// Rules that list `create` before their other verb (the survey rules list it fourth), and allow
/// every question: what the engine adds for a selection shows alone.
private struct WidgetRules: PolicyRules {
    var actions: [Action] { [Action("widget.create")!, Action("widget.archive")!] }

    func decide<Object: ResourceFacts>(_ principal: Principal, _ action: Action, _ object: Object) -> Decision {
        principal.user == nil ? .anonymous : .allow(.allowOwner, "Any widget.")
    }
}
