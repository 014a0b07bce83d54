import PluginKit
import Policy
import TemplatesPolicy
import Postgres

/// The templates plugin's SQL: parameterised queries only, one statement per request.
struct TemplateRepository: Sendable {
    let pool: PGPool

    /// How the visibility leaves map onto `question_group_templates t` (see `TemplateFacts`):
    /// `organisationIn` holds only for organisation-level templates.
    static let visibility = VisibilitySQL(
        owner: "t.publisher_id",
        isGlobal: "t.publication_level = 'global'",
        isActive: "t.status = 'active'",
        id: "t.id",
        custom: { leaf in
            guard case .organisationIn(let ids) = leaf else { return nil }
            return "(t.publication_level = 'organisation' AND t.organisation_id = ANY(\(ids)))"
        }
    )

    /// The shown fields of every template satisfying `predicate` and `filters`, unordered.
    func visibleQuery(_ predicate: VisibilityPredicate, filters: TemplateListQuery) -> PGQuery {
        """
        SELECT \(TemplateRecord.columns)
        FROM \(TemplateRecord.tables)
        WHERE \(Self.visibility.condition(for: predicate)) AND \(filters.condition)
        """
    }

    /// Every template whose id is in `ids`, whatever its status (one query for a batch of the
    /// decision API).
    func find(ids: [Int64], callerID: Int64) async throws -> [TemplateRecord] {
        let rows = try await pool.query("SELECT \(TemplateRecord.columns) FROM \(TemplateRecord.tables) WHERE t.id = ANY(\(ids))")
        return try rows.map { try TemplateRecord(row: $0, from: 0, callerID: callerID) }
    }

    /// A template whatever its status, or `nil` when no template has this id.
    func find(id: Int64, callerID: Int64) async throws -> TemplateRecord? {
        try await find(ids: [id], callerID: callerID).first
    }
}
