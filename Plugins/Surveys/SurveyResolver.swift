import PluginKit
import Policy

/// Surveys for the decision API: each survey's facts, with the asking user's role in it.
struct SurveyResolver: ResourceResolver {
    let repository: SurveyRepository

    var resourceType: ResourceType { .survey }

    /// One query for the whole batch: every distinct (survey, user) pair, with the user's role.
    func resolve(_ lookups: [ResourceLookup]) async throws -> [ResolvedResource?] {
        struct Pair: Hashable { var survey: Int64; var user: Int64 }
        let pairs = lookups.map { lookup in ObjectID.int64(lookup.id).map { Pair(survey: $0, user: lookup.user.userID) } }
        let distinct = Array(Set(pairs.compactMap { $0 }))
        var found: [Pair: (survey: SurveyRecord, role: SurveyRole?)] = [:]
        if !distinct.isEmpty {
            for row in try await repository.find(pairs: distinct.map { ($0.survey, $0.user) }) {
                found[Pair(survey: row.survey.id, user: row.userID)] = (row.survey, row.role)
            }
        }
        return zip(lookups, pairs).map { lookup, pair in
            guard let pair, let (survey, role) = found[pair] else { return nil }
            return ResolvedResource(
                resource: .survey(survey.facts),
                user: SurveyMemberships.principal(lookup.user, role: role, in: survey.id))
        }
    }

    /// A new survey owned by the asking user, in the `organisation` and `team` the properties
    /// name (ids, or absent); `nil` when either is malformed or does not exist.
    func propose(_ proposals: [ResourceProposal]) async throws -> [ResolvedResource?] {
        let targets = proposals.map { proposal -> (organisation: Int64?, team: Int64?)? in
            guard case .some(let organisation) = proposal.properties.idProperty("organisation"),
                  case .some(let team) = proposal.properties.idProperty("team") else { return nil }
            return (organisation, team)
        }
        let known = try await WriteTargets.load(
            organisations: targets.compactMap { $0?.organisation }, teams: targets.compactMap { $0?.team }, pool: repository.pool)
        return zip(proposals, targets).map { proposal, target in
            guard let target, known.contains(organisation: target.organisation, team: target.team) else { return nil }
            var draft = SurveyDraft()
            draft.organisationID = target.organisation
            draft.teamID = target.team
            let facts = draft.facts(ownerID: proposal.user.userID, organisationOwnerID: known.owner(of: target.organisation))
            return ResolvedResource(resource: .survey(facts), user: proposal.user)
        }
    }
}
