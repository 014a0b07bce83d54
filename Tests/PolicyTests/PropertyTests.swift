import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport
import Testing

/// Seeded, reproducible properties on random worlds (≥ 100,000 cases per run in total).
@Suite("Properties on random worlds")
struct PropertyTests {
    static let seeds = UInt64(1_000)...1_299

    /// Calls `body` with every case of every seed's world whose caller is authenticated (the
    /// random numbers seeded with the seed plus `salt`); returns how many there were.
    static func userCases(salt: UInt64, _ body: (RandomCase, UInt64, inout SplitMix64) -> Void) -> Int {
        var cases = 0
        forEachWorld(salt: salt) { world, seed, rng in
            world.forEachCase(principals: 2, &rng) { c, rng in
                guard c.user != nil else { return }
                cases += 1
                body(c, seed, &rng)
            }
        }
        return cases
    }

    /// Calls `body` with every seed's world, the seed, and random numbers seeded with the seed
    /// plus `salt`.
    static func forEachWorld(salt: UInt64, _ body: (World, UInt64, inout SplitMix64) -> Void) {
        for seed in seeds {
            var rng = SplitMix64(seed: seed &+ salt)
            body(World(seed: seed), seed, &rng)
        }
    }

    @Test("deny by default: unknown actions, an empty engine, mismatched resources")
    func denyByDefault() {
        let empty = PolicyEngine()
        var cases = 0
        let verbs = ["list", "retrieve", "export", "update", "approve", "issue", "purge", "metrics"]
        let resources = ["survey", "dataset", "template", "user", "key", "report", "organisation", "x"]
        for seed in Self.seeds {
            let world = World(seed: seed)
            var rng = SplitMix64(seed: seed)
            world.forEachCase(principals: 2, &rng) { c, rng in
                cases += 2
                let decision = empty.decide(c.principal, c.action, c.resource)
                #expect(!decision.isAllowed && decision.code == .denyUnknownAction)
                let action = Action(ResourceType(rawValue: rng.pick(resources)), Verb(rawValue: rng.pick(verbs)))
                if standardEngine.rules(for: action) == nil {
                    #expect(standardEngine.decide(c.principal, action, c.resource).code == .denyUnknownAction)
                }
                // Facts of another resource type never allow a per-object action.
                if c.action.verb != .list, c.action != .userCreate, case .pass = c.principal.gateForTests {
                    let wrong: Resource = c.action.resource == .survey ? .template(world.templates[0]) : .survey(world.surveys[0])
                    if !(c.action.resource == .key) {
                        #expect(!standardEngine.decide(c.principal, c.action, wrong).isAllowed)
                    }
                }
            }
            for garbage in ["", "survey", "survey.", "SURVEY.LIST", "survey.list.extra", "../etc", "survey.retrieve\u{0}"] {
                #expect(standardEngine.decide(.anonymous, garbage, .collection).code == .denyUnknownAction)
            }
        }
        #expect(cases >= 20_000)
    }

    /// SPEC §2: a key issued in an organisation (or by a team admin, in a team) never reaches an
    /// object outside it, whatever the user's roles elsewhere — per object and in every list —
    /// and the two faces of the rule (`isWithin` and the `within` predicate) agree on every object.
    @Test("confined keys reach nothing outside their organisation or team")
    func confinement() {
        var cases = 0, confined = 0
        for seed in Self.seeds {
            let world = World(seed: seed)
            var rng = SplitMix64(seed: seed &+ 7)
            for organisation in world.organisations.map(\.id) {
                for resource in world.allResources {
                    guard let facts = resource.facts else { continue }
                    #expect(facts.isWithin(organisation: organisation) == VisibilityPredicate.within(organisation: organisation).evaluate(on: facts))
                }
            }
            for team in world.teams.map(\.id) {
                for resource in world.allResources {
                    guard let facts = resource.facts else { continue }
                    #expect(facts.isWithin(team: team) == VisibilityPredicate.within(.team(team)).evaluate(on: facts))
                }
            }
            world.forEachCase(principals: 3, &rng) { c, _ in
                cases += 1
                guard case .user(let user) = c.principal, let home = user.confinement else { return }
                confined += 1
                let decision = standardEngine.decide(c.principal, c.action, c.resource)
                if decision.isAllowed {
                    #expect(c.resource.isWithin(home), "seed \(seed): \(c.action) allowed outside \(home)")
                }
                if c.action.verb == .list {
                    let predicate = standardEngine.visibility(c.principal, for: c.action)
                    for resource in world.allResources {
                        guard let facts = resource.facts, facts.resourceType == c.action.resource else { continue }
                        if predicate.evaluate(on: facts) { #expect(facts.isWithin(home)) }
                    }
                }
            }
        }
        print("confinement property: \(confined) cases with a confined key, of \(cases)")
        #expect(confined >= 20_000, "\(confined) confined cases of \(cases)")
    }

    @Test("adding capabilities never allows what the role forbids")
    func capabilitiesAreNotRoles() {
        let cases = Self.userCases(salt: 1) { c, seed, rng in
            let full = standardEngine.decide(c.principal.with(capabilities: .all), c.action, c.resource)
            let some = standardEngine.decide(c.principal, c.action, c.resource)
            let more = standardEngine.decide(c.principal.with(capabilities: c.capabilities.union(rng.capabilities())), c.action, c.resource)
            if some.isAllowed {
                #expect(full.isAllowed, "seed \(seed) \(c.action): allowed with \(c.capabilities) but not with all")
                #expect(more.isAllowed, "seed \(seed) \(c.action): more capabilities denied")
            }
            if !full.isAllowed {
                #expect(!some.isAllowed && !more.isAllowed)
            }
            // The capability is checked first: a missing one is reported as such.
            if let needed = c.action.verb.requiredCapability, c.action.resource != .user,
               !c.capabilities.contains(needed), c.user?.tier != .free {
                #expect(some.code == .denyCapability)
            }
        }
        #expect(cases >= 20_000)
    }

    @Test("no membership in organisation X: never allowed on X's non-global resources")
    func outsidersSeeNothing() {
        var cases = 0
        for seed in Self.seeds {
            let world = World(seed: seed)
            var rng = SplitMix64(seed: seed &+ 2)
            for user in world.users where !user.isStaff {
                for organisation in world.organisations {
                    let x = organisation.id
                    let teamsOfX = Set(world.teams.filter { $0.organisationID == x }.map(\.id))
                    let surveysOfX = Set(world.surveys.filter { $0.organisationID == x }.map(\.id))
                    let related = organisation.ownerID == user.id
                        || world.organisationMembers.contains { $0.organisation == x && $0.user == user.id }
                        || world.teamMembers.contains { teamsOfX.contains($0.team) && $0.user == user.id }
                        || world.surveyMembers.contains { surveysOfX.contains($0.survey) && $0.user == user.id }
                    guard !related else { continue }
                    let principal = world.principal(user, capabilities: .all, keyOrganisationID: rng.chance(0.5) ? x : nil)
                    var resources: [Resource] = []
                    resources += world.surveys.filter { $0.organisationID == x && $0.ownerID != user.id }.map(Resource.survey)
                    resources += world.datasets.filter { $0.organisationID == x && !$0.isGlobal }.map(Resource.dataset)
                    resources += world.templates.filter { $0.organisationID == x && $0.level == .organisation }.map(Resource.template)
                    resources += world.keys.filter { $0.organisationID == x && $0.ownerID != user.id }.map(Resource.key)
                    resources += world.users.filter { $0.id != user.id }.map { .user(world.directoryFacts($0)) }
                    for resource in resources {
                        for action in builtinActions where action.verb != .list && action.resource == resource.facts?.resourceType {
                            cases += 1
                            let decision = standardEngine.decide(principal, action, resource)
                            if case .user = resource.known, principal.user?.keyOrganisationID != x { continue }
                            #expect(!decision.isAllowed, "seed \(seed): \(action) by user \(user.id) in org \(x): \(decision)")
                        }
                    }
                    // Issuing a key in X's context, or for a user of X through X.
                    for _ in 0..<4 {
                        var request = world.randomIssuance(&rng)
                        request.organisationID = x
                        cases += 1
                        #expect(!standardEngine.decide(principal, .keyIssue, .keyIssuance(request)).isAllowed || request.targetUserID == user.id && request.isSSOExchange)
                    }
                    // Lists never show X's non-global objects.
                    cases += 1
                    let surveys = standardEngine.visibility(principal, for: .surveyList)
                    #expect(!world.surveys.contains { $0.organisationID == x && $0.ownerID != user.id && surveys.evaluate(on: $0) })
                    let datasets = standardEngine.visibility(principal, for: .datasetList)
                    #expect(!world.datasets.contains { $0.organisationID == x && !$0.isGlobal && datasets.evaluate(on: $0) })
                }
            }
        }
        #expect(cases >= 10_000)
    }

    @Test("the free tier is never allowed anything but revoking the keys one administers")
    func freeTierNeverAllowed() {
        let cases = Self.userCases(salt: 3) { c, seed, rng in
            let free = c.principal.with(tier: .free).with(capabilities: .all)
            let decision = standardEngine.decide(free, c.action, c.resource)
            if c.action == .keyRevoke {
                // Revocation does not depend on the revoker's own tier (SPEC §2).
                let paid = standardEngine.decide(c.principal.with(capabilities: .all), c.action, c.resource)
                #expect(decision.isAllowed == paid.isAllowed && decision.code == paid.code)
                return
            }
            #expect(!decision.isAllowed && decision.code == .denyTier)
            if c.action.verb == .list { #expect(standardEngine.visibility(free, for: c.action) == .none) }
        }
        #expect(cases >= 20_000)
    }

    @Test("visibility predicate in memory == filter(decide retrieve)")
    func visibilityMatchesDecisions() {
        var cases = 0
        Self.forEachWorld(salt: 4) { world, seed, rng in
            for _ in 0..<12 {
                let (principal, _) = world.randomPrincipal(&rng)
                cases += Self.judgeRows(principal, world, &rng, { _, retrieve, predicate, resource, decided in
                    #expect(predicate.evaluate(on: resource) == decided, "seed \(seed): \(retrieve) \(resource) predicate \(predicate)")
                }, afterList: { list, predicate in
                    // Metrics follow the same rule as retrieve.
                    guard list == .surveyList else { return }
                    for survey in world.surveys {
                        #expect(standardEngine.decide(principal, .surveyMetrics, .survey(survey)).isAllowed == predicate.evaluate(on: survey))
                    }
                })
            }
        }
        #expect(cases >= 40_000)
    }

    /// For each list action: its predicate for `principal`, then each object `world` offers the
    /// list's retrieve, with that retrieve's decision, handed to `check`; `afterList` once the
    /// list's objects are done. Returns how many objects were judged.
    static func judgeRows(
        _ principal: Principal, _ world: World, _ rng: inout SplitMix64,
        _ check: (_ list: Action, _ retrieve: Action, _ predicate: VisibilityPredicate, _ resource: Resource, _ decided: Bool) -> Void,
        afterList: (_ list: Action, _ predicate: VisibilityPredicate) -> Void = { _, _ in }
    ) -> Int {
        let pairs: [(Action, Action)] = [(.surveyList, .surveyRetrieve), (.datasetList, .datasetRetrieve),
                                         (.templateList, .templateRetrieve), (.userList, .userRetrieve)]
        var judged = 0
        for (list, retrieve) in pairs {
            let predicate = standardEngine.visibility(principal, for: list)
            for resource in world.resources(for: retrieve, proposer: nil, &rng) {
                judged += 1
                check(list, retrieve, predicate, resource, standardEngine.decide(principal, retrieve, resource).isAllowed)
            }
            afterList(list, predicate)
        }
        return judged
    }
}

extension Principal {
    /// Whether this principal would pass the credential and tier checks.
    var gateForTests: GateResult { user.map { $0.tier == .free ? .deny : .pass } ?? .deny }
}

enum GateResult { case pass, deny }
