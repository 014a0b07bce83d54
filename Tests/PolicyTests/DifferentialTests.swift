import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport
import Testing

/// The engine against ``ReferencePolicy`` on random worlds: every built-in action, every fitting
/// resource, random principals and keys. Seeded: a failure names the seed that reproduces it.
@Suite("Differential: engine vs naive reference")
struct DifferentialTests {
    @Test("the engine and the reference agree on every random case")
    func agree() {
        var cases = 0
        var mismatches: [String] = []
        for seed in UInt64(1)...400 {
            let world = World(seed: seed)
            let reference = ReferencePolicy(world: world)
            var rng = SplitMix64(seed: seed &* 31)
            world.forEachCase(principals: 6, &rng) { c, rng in
                cases += 1
                let engine = standardEngine.decide(c.principal, c.action, c.resource)
                let expected = reference.allowed(c.user, capabilities: c.capabilities, keyOrganisation: c.keyOrganisation, keyTeam: c.keyTeam,
                                                 c.action.description, c.resource)
                if engine.isAllowed != expected, mismatches.count < 10 {
                    mismatches.append("seed \(seed): \(c.action) by \(c.principal) on \(c.resource): engine \(engine), reference \(expected)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(cases >= 50_000)
    }
}
