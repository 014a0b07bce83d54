import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport

/// One random question on a random world: who asks, what, about which resource.
struct RandomCase {
    var principal: Principal
    var user: World.User?
    var capabilities: Capabilities
    var keyOrganisation: Int64?
    var keyTeam: Int64? = nil
    var action: Action
    var resource: Resource
}

extension World {
    /// The resources `action` can sensibly be asked about in this world (for create actions,
    /// proposed new objects; for key.issue, random requests).
    func resources(for action: Action, proposer: Int64?, _ rng: inout SplitMix64) -> [Resource] {
        switch (action.resource, action.verb) {
        case (_, .list), (.user, .create): return [.collection]
        case (.survey, .create):
            return surveys.map { s in
                var proposed = s
                if let proposer, rng.chance(0.9) { proposed.ownerID = proposer }
                return .survey(proposed)
            }
        case (.survey, _): return surveys.map(Resource.survey)
        case (.dataset, _): return datasets.map(Resource.dataset)
        case (.template, _): return templates.map(Resource.template)
        case (.user, _): return users.map { .user(directoryFacts($0)) }
        case (.key, .revoke): return keys.map(Resource.key)
        case (.key, .issue): return (0..<6).map { _ in .keyIssuance(randomIssuance(&rng)) }
        default: return [.collection]
        }
    }

    /// Calls `body` for every built-in action on every fitting resource, for `principals`
    /// random principals of this world.
    func forEachCase(principals: Int, _ rng: inout SplitMix64, _ body: (RandomCase, inout SplitMix64) -> Void) {
        for _ in 0..<principals {
            let (principal, user) = randomPrincipal(&rng)
            let capabilities = principal.user?.capabilities ?? []
            let keyOrganisation = principal.user?.keyOrganisationID
            let keyTeam = principal.user?.keyTeamID
            for action in builtinActions {
                for resource in resources(for: action, proposer: user?.id, &rng) {
                    body(RandomCase(principal: principal, user: user, capabilities: capabilities,
                                    keyOrganisation: keyOrganisation, keyTeam: keyTeam, action: action, resource: resource), &rng)
                }
            }
        }
    }
}

extension Principal {
    /// The same principal with the key's capabilities replaced (anonymous stays anonymous).
    func with(capabilities: Capabilities) -> Principal {
        guard case .user(var user) = self else { return self }
        user.capabilities = capabilities
        return .user(user)
    }

    /// The same principal on another tier (anonymous stays anonymous).
    func with(tier: Tier) -> Principal {
        guard case .user(var user) = self else { return self }
        user.tier = tier
        return .user(user)
    }
}
