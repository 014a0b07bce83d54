#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy

/// Measures in-process policy decisions (`survey.retrieve`) for a principal with 16 memberships
/// and returns a report: decisions per second, p50/p99 ns per decision, and heap allocations per
/// decision when a malloc counter is preloaded (a shared object exporting
/// `latchkey_malloc_count() -> UInt64`), next to the Cedar and Casbin anchor figures.
///
/// Four cases are measured: the plain key; the same key carrying fine-grained permissions
/// (SPEC §15: `surveys:[view]`, `datasets:[view]`, `templates:[view]`, and a selection of 16 of
/// the 64 surveys decided, containing the member survey); the same selecting all 64 (a larger
/// selection, binary-searched, admitting every object); and a key whose masks differ per type (a narrowed
/// copy of the principal per decision).
///
/// Run it from a release build; `iterations` is the number of timed decisions (≥ 100,000 is a
/// good figure).
func runPolicyBenchmark(iterations: Int) -> String {
    let fixture = PolicyBenchmarkFixture()
    return [
        measurePolicy(fixture, fixture.principal, title: "plain key", iterations: iterations),
        measurePolicy(fixture, fixture.fineGrainedPrincipal,
                      title: "fine-grained key (surveys, datasets, templates: [view]; 16 selected surveys)", iterations: iterations),
        measurePolicy(fixture, fixture.selectingAllPrincipal,
                      title: "fine-grained key selecting all 64 surveys", iterations: iterations),
        measurePolicy(fixture, fixture.narrowingPrincipal,
                      title: "fine-grained key, narrowed (surveys:[view], datasets:[view,edit]; 16 selected surveys)", iterations: iterations),
    ].joined(separator: "\n")
}

/// The report of one measured case: `principal` deciding `survey.retrieve` on the fixture's surveys.
private func measurePolicy(_ fixture: PolicyBenchmarkFixture, _ principal: Principal, title: String, iterations: Int) -> String {
    let engine = fixture.engine
    let surveys = fixture.surveys
    let batch = 32
    let batches = max(1, iterations / batch)
    var sink = 0

    // Warm up caches, lazy globals and branch predictors.
    for index in 0..<50_000 {
        if engine.decide(principal, .surveyRetrieve, object: surveys[index & 63]).isAllowed { sink &+= 1 }
    }

    // Batched timing: per-decision cost of each batch of 32 (timer overhead amortised).
    var perDecision = [Double]()
    perDecision.reserveCapacity(batches)
    let allocationsBefore = PolicyBenchmarkClock.mallocCount()
    let start = PolicyBenchmarkClock.nanoseconds()
    for b in 0..<batches {
        let t0 = PolicyBenchmarkClock.nanoseconds()
        for i in 0..<batch {
            if engine.decide(principal, .surveyRetrieve, object: surveys[(b &* batch &+ i) & 63]).isAllowed { sink &+= 1 }
        }
        let t1 = PolicyBenchmarkClock.nanoseconds()
        perDecision.append(Double(t1 &- t0) / Double(batch))
    }
    let elapsed = PolicyBenchmarkClock.nanoseconds() &- start
    let allocationsAfter = PolicyBenchmarkClock.mallocCount()

    // Single-decision timing (includes one clock read, ~20 ns), on the slowest path: a survey
    // member, found after owner/organisation/team checks fail.
    let memberSurvey = surveys[fixture.memberSurveyIndex]
    var single = [Double]()
    single.reserveCapacity(min(iterations, 200_000))
    for _ in 0..<min(iterations, 200_000) {
        let t0 = PolicyBenchmarkClock.nanoseconds()
        if engine.decide(principal, .surveyRetrieve, object: memberSurvey).isAllowed { sink &+= 1 }
        let t1 = PolicyBenchmarkClock.nanoseconds()
        single.append(Double(t1 &- t0))
    }

    perDecision.sort()
    single.sort()
    func percentile(_ values: [Double], _ p: Double) -> Double {
        values[min(values.count - 1, Int(Double(values.count - 1) * p))]
    }
    let decisions = batches * batch
    let perSecond = Double(decisions) / (Double(elapsed) / 1e9)
    let allocations: String
    if let before = allocationsBefore, let after = allocationsAfter {
        allocations = String(format1: Double(after &- before) / Double(decisions))
    } else {
        allocations = "n/a (preload a malloc counter to measure)"
    }
    let p50 = percentile(perDecision, 0.50)
    let p99 = percentile(perDecision, 0.99)
    return """
    policy: survey.retrieve, \(title), principal with \(principal.user?.totalMemberships ?? 0) memberships, \(decisions) decisions
      decisions/s            \(String(format1: perSecond / 1e6)) M/s
      p50 / p99 (batched)    \(String(format1: p50)) ns / \(String(format1: p99)) ns per decision
      p50 / p99 (single)     \(String(format1: percentile(single, 0.50))) ns / \(String(format1: percentile(single, 0.99))) ns (survey-member path, incl. clock read)
      heap allocations       \(allocations) per decision
      anchors (same rule)    Cedar via cedarpy ≈ 67 µs/decision batched; Casbin (pycasbin) ≈ 1.3 ms/decision
      speed-up vs anchors    Cedar ×\(Int(67_000 / max(p50, 0.001))), Casbin ×\(Int(1_300_000 / max(p50, 0.001))) (at p50)
      (checksum \(sink))
    """
}

/// The world the policy benchmark decides in: the standard rule sets and a principal with 16
/// memberships (6 organisations, 1 owned organisation, 5 teams, 4 surveys).
struct PolicyBenchmarkFixture {
    let engine = PolicyEngine(rules: [SurveyRules(), DatasetRules(), TemplateRules(), UsersDirectoryRules(), KeyRules()])
    let principal: Principal
    /// The same user with a key carrying permissions per type (capabilities: their union, as
    /// issued) and a selection of 16 surveys.
    let fineGrainedPrincipal: Principal
    /// The same, selecting every survey decided (the selection admits each one it checks).
    let selectingAllPrincipal: Principal
    /// The same, with a wider mask on another type, so the survey decisions narrow the key's
    /// capabilities (a copy of the principal).
    let narrowingPrincipal: Principal
    let surveys: [SurveyFacts]
    let memberSurveyIndex = 7

    init() {
        let user = UserPrincipal(
            userID: 42,
            tier: .organisation,
            capabilities: [.view, .edit],
            keyOrganisationID: 101,
            organisationRoles: [101: .admin, 102: .creator, 103: .viewer, 104: .viewer, 105: .creator, 106: .viewer],
            ownedOrganisations: [107],
            teamRoles: [201: .admin, 202: .viewer, 203: .creator, 204: .viewer, 205: .admin]
        )
        // The user's four survey memberships are facts of those surveys, as the plugin loads them.
        let surveyRoles: [Int64: SurveyRole] = [301: .viewer, 302: .editor, 303: .creator, 307: .viewer]
        principal = .user(user)
        /// `user` with `view` on surveys, datasets and templates, selecting the surveys `selected`.
        func viewing(selecting selected: Range<Int64>) -> Principal {
            var key = user
            key.permissions = KeyPermissions([
                .init(type: "surveys", capabilities: .view, selection: IDSet(selected)),
                .init(type: "datasets", capabilities: .view),
                .init(type: "templates", capabilities: .view),
            ])
            key.capabilities = key.permissions?.union ?? .none
            return .user(key)
        }
        fineGrainedPrincipal = viewing(selecting: 300..<316)
        selectingAllPrincipal = viewing(selecting: 300..<364)
        var narrowing = user
        narrowing.permissions = KeyPermissions([
            .init(type: "surveys", capabilities: .view, selection: IDSet(300..<316)),
            .init(type: "datasets", capabilities: [.view, .edit]),
        ])
        narrowing.capabilities = narrowing.permissions?.union ?? .none
        narrowingPrincipal = .user(narrowing)
        var surveys: [SurveyFacts] = []
        for index in 0..<64 {
            let id = Int64(300 + index)
            let organisation: Int64? = index % 3 == 0 ? nil : Int64(100 + index % 9)
            let team: Int64? = index % 4 == 0 ? Int64(200 + index % 7) : nil
            surveys.append(SurveyFacts(
                id: id,
                ownerID: index % 11 == 0 ? 42 : 1_000 + Int64(index),
                organisationID: organisation,
                organisationOwnerID: organisation.map { $0 == 107 ? 42 : 9 },
                teamID: team,
                status: .published,
                members: surveyRoles[id].map { MembershipTable(id: 42, role: $0) } ?? [:]
            ))
        }
        self.surveys = surveys
    }
}

extension UserPrincipal {
    /// Organisation, owned-organisation and team memberships, plus the four survey memberships
    /// the fixture's surveys carry.
    fileprivate var totalMemberships: Int {
        organisationRoles.count + ownedOrganisations.count + teamRoles.count + 4
    }
}

/// Monotonic nanoseconds and the optional preloaded malloc counter.
enum PolicyBenchmarkClock {
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) &* 1_000_000_000 &+ UInt64(spec.tv_nsec)
    }

    static func mallocCount() -> UInt64? {
        typealias Counter = @convention(c) () -> UInt64
        #if os(Linux)
        let defaultHandle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #else
        let defaultHandle = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(defaultHandle, "latchkey_malloc_count") else { return nil }
        return unsafeBitCast(symbol, to: Counter.self)()
    }
}

extension String {
    /// A number with one decimal, without Foundation.
    fileprivate init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
