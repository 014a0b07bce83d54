import JSON
import PluginKit
import Policy
import SurveysPolicy
import Postgres

/// Surveys for the decision API: each survey's facts, with the asking user's role in it.
struct SurveyResolver: ResourceResolver {
    let repository: SurveyRepository

    var resourceType: ResourceType { .survey }

    /// One query at most for the whole batch, with the user's role in each survey.
    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        let surveyIDs = ids.map { ObjectID.int64($0) ?? 0 }  // 0 names no survey
        return try await repository.find(ids: surveyIDs, user: user.userID).map(\.resource)
    }

    /// A key's selection (SPEC §15) names surveys by id or slug: a reference of digits only is
    /// an id (as the decision API reads it), anything else a slug. Ids alone are found as
    /// ``resolve(ids:for:)`` finds them; otherwise one query for the batch.
    func resolve(selected references: [String], for user: UserPrincipal) async throws -> [Resource?] {
        let slugs = references.filter { !Self.isID($0) }
        guard !slugs.isEmpty else { return try await resolve(ids: references, for: user) }
        let ids = references.filter(Self.isID).compactMap(ObjectID.int64)
        var byID: [Int64: Resource] = [:], bySlug: [String: Resource] = [:]
        for found in try await repository.find(ids: ids, slugs: slugs, user: user.userID) {
            guard let survey = found.survey else { continue }
            byID[survey.id] = found.resource
            bySlug[survey.slug] = found.resource
        }
        return references.map { Self.isID($0) ? ObjectID.int64($0).flatMap { byID[$0] } : bySlug[$0] }
    }

    /// Whether `reference` is digits only: an id (naming nothing when out of range, as `0`).
    private static func isID(_ reference: String) -> Bool {
        reference.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? {
        try await integerIDs(repository.pool, id: "s.id", from: "surveys s",
                             where: SurveyRepository.visibility.condition(for: scope), after: after, limit: limit)
    }

    /// The owner, the organisation's owner and members, the team's members, the survey's members.
    func subjectCandidates(of id: String) -> PGQuery? {
        guard let survey = ObjectID.int64(id) else { return .nobody }
        return """
            SELECT s.owner_id FROM surveys s WHERE s.id = \(survey)
            UNION ALL SELECT o.owner_id FROM surveys s JOIN organisations o ON o.id = s.organisation_id WHERE s.id = \(survey)
            UNION ALL SELECT m.user_id FROM surveys s JOIN organisation_memberships m ON m.organisation_id = s.organisation_id WHERE s.id = \(survey)
            UNION ALL SELECT t.user_id FROM surveys s JOIN team_memberships t ON t.team_id = s.team_id WHERE s.id = \(survey)
            UNION ALL SELECT sm.user_id FROM survey_memberships sm WHERE sm.survey_id = \(survey)
            """
    }

    /// The survey with the role of each of `users` in it.
    func facts(of id: String, askedBy users: [UserPrincipal]) async throws -> Resource? {
        guard let survey = ObjectID.int64(id) else { return nil }
        return try await repository.find(id: survey, users: users.map(\.userID)).map { .survey($0) }
    }

    /// A new survey owned by the asking user, in the `organisation` and `team` the properties
    /// name (ids, or absent); `nil` when either is malformed, or does not exist while the user
    /// holds a role in both (a target without a role is judged unread, as the resource API
    /// judges it: no existence oracle, SPEC §4).
    func propose(_ proposals: [[String: JSONValue]], for user: UserPrincipal) async throws -> [Resource?] {
        let targets = proposals.map { properties -> (organisation: Int64?, team: Int64?)? in
            guard case .some(let organisation) = properties.idProperty("organisation"),
                  case .some(let team) = properties.idProperty("team") else { return nil }
            return (organisation, team)
        }
        let known = try await WriteTargets.load(
            organisations: targets.compactMap { $0?.organisation }, teams: targets.compactMap { $0?.team }, pool: repository.pool)
        return targets.map { target in
            guard let target else { return nil }
            var draft = SurveyDraft()
            draft.organisationID = target.organisation
            draft.teamID = target.team
            if !draft.holdsRoleInTargets(of: user) { return .survey(draft.facts(ownerID: user.userID, organisationOwnerID: nil)) }
            guard known.contains(organisation: target.organisation, team: target.team) else { return nil }
            let facts = draft.facts(ownerID: user.userID, organisationOwnerID: known.owner(of: target.organisation))
            return .survey(facts)
        }
    }
}
