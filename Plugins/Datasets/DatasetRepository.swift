import PluginKit
import Policy
import DatasetsPolicy
import Postgres

/// The datasets plugin's SQL: parameterised queries only, one statement per request.
struct DatasetRepository: Sendable {
    let pool: PGPool

    /// How the visibility leaves map onto `datasets d`.
    static let visibility = VisibilitySQL(
        organisation: "d.organisation_id",
        team: "d.team_id",
        isGlobal: "d.is_global",
        isActive: "d.is_active",
        createdBy: "d.created_by",
        id: "d.id"
    )

    /// The list order (SPEC: category, name), with the unique key breaking ties; names output
    /// columns of ``visibleQuery(_:filters:)``.
    static let ordering: PGQuery = "category, name, key"

    /// The listed fields of every dataset satisfying `predicate` and `filters`, unordered.
    func visibleQuery(_ predicate: VisibilityPredicate, filters: DatasetFilters) -> PGQuery {
        """
        SELECT \(DatasetRecord.columns)
        FROM \(DatasetRecord.tables)
        WHERE \(Self.visibility.condition(for: predicate)) AND \(filters.condition)
        """
    }

    /// The dataset with this key, or `nil` when there is none.
    func find(key: String) async throws -> DatasetRecord? {
        try await find(keys: [key]).first
    }

    /// Every dataset whose key is in `keys` (one query for a batch of the decision API).
    func find(keys: [String]) async throws -> [DatasetRecord] {
        let rows = try await pool.query("SELECT \(DatasetRecord.columns) FROM \(DatasetRecord.tables) WHERE d.key = ANY(\(keys))")
        return try rows.map { try DatasetRecord(row: $0, from: 0) }
    }

    /// Each tag of the datasets satisfying `predicate` with how many of them carry it (a tag
    /// repeated within one dataset counts once), most used first, then by tag (bytewise).
    func tagCounts(_ predicate: VisibilityPredicate) async throws -> [DatasetTagCounts.Entry] {
        let rows = try await pool.query("""
            SELECT lk_tag.tag, count(DISTINCT d.key) AS n
            FROM datasets d CROSS JOIN LATERAL unnest(d.tags) AS lk_tag(tag)
            WHERE \(Self.visibility.condition(for: predicate))
            GROUP BY lk_tag.tag
            ORDER BY n DESC, lk_tag.tag COLLATE "C"
            """)
        return try rows.map { DatasetTagCounts.Entry(tag: try $0.decode(String.self, at: 0), count: try $0.decode(Int.self, at: 1)) }
    }
}
