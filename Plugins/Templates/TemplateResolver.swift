import PluginKit
import Policy
import Postgres
import TemplatesPolicy

/// Question-group templates for the decision API, by id.
struct TemplateResolver: ResourceResolver {
    let repository: TemplateRepository

    var resourceType: ResourceType { .template }

    /// The facts do not depend on the caller (`can_delete` is not a fact), so any caller id serves.
    func resolve(ids: [String], for user: UserPrincipal) async throws -> [Resource?] {
        try await resolve(ids, parse: ObjectID.int64) { ids in
            Dictionary(try await repository.find(ids: ids, callerID: 0).map { ($0.id, .template($0.facts)) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func search(_ scope: VisibilityPredicate, after: String?, limit: Int) async throws -> [String]? {
        try await integerIDs(repository.pool, id: "t.id", from: "question_group_templates t",
                             where: TemplateRepository.visibility.condition(for: scope), after: after, limit: limit)
    }

    /// Everyone for a global template; else the members and owner of its organisation.
    func subjectCandidates(of id: String) -> PGQuery? {
        guard let template = ObjectID.int64(id) else { return .nobody }
        return """
            SELECT u.id FROM users u
            WHERE EXISTS (SELECT 1 FROM question_group_templates t WHERE t.id = \(template) AND t.publication_level = 'global')
            UNION ALL SELECT o.owner_id FROM question_group_templates t JOIN organisations o ON o.id = t.organisation_id WHERE t.id = \(template)
            UNION ALL SELECT m.user_id FROM question_group_templates t JOIN organisation_memberships m ON m.organisation_id = t.organisation_id WHERE t.id = \(template)
            """
    }
}
