import Postgres

/// `?ordering=` on the template list: the six orders SPEC §4 allows, each a fixed SQL fragment.
///
/// The parameter's text selects a case and is never written into SQL. Ties break on `id` in the
/// same direction, so a descending order is exactly the reverse of its ascending one and paging
/// is stable.
enum TemplateOrdering: String, CaseIterable, Sendable {
    case name
    case nameDescending = "-name"
    case createdAt = "created_at"
    case createdAtDescending = "-created_at"
    case importCount = "import_count"
    case importCountDescending = "-import_count"

    /// The order when the request gives none: newest first.
    static let `default` = TemplateOrdering.createdAtDescending

    /// The `ORDER BY` list, over output columns of ``TemplateRecord/columns``.
    var sql: PGQuery {
        switch self {
        case .name: "name, id"
        case .nameDescending: "name DESC, id DESC"
        case .createdAt: "created_at, id"
        case .createdAtDescending: "created_at DESC, id DESC"
        case .importCount: "import_count, id"
        case .importCountDescending: "import_count DESC, id DESC"
        }
    }
}
