import PluginKit
import Policy
import TemplatesPolicy
import Postgres

/// The filters and order of a template list request (SPEC §4), read strictly from the query.
///
/// `publication_level` must be `global` or `organisation` and `ordering` one of
/// ``TemplateOrdering``, else 400. An empty `language`, `tags` or `search` is no filter (as
/// django-filter treats empty values). Values reach SQL only as bind parameters.
struct TemplateListQuery: Sendable {
    var publicationLevel: PublicationLevel?
    /// Exact language code, e.g. `en`.
    var language: String?
    /// Tags the template must all have (`tags=a,b`).
    var tags: [String]
    /// Text the name or description must contain, case-insensitively and literally.
    var search: String?
    var ordering: TemplateOrdering

    init(_ query: StrictQuery) throws {
        publicationLevel = try query.choice("publication_level", as: PublicationLevel.self)
        language = try Self.text("language", in: query)
        tags = try query.list("tags")
        try Self.rejectNUL("tags", tags.joined())
        search = try Self.text("search", in: query)
        ordering = try query.choice("ordering", as: TemplateOrdering.self) ?? .default
    }

    /// The filters as one SQL condition over `question_group_templates t` (`TRUE` when none).
    var condition: PGQuery {
        var terms: [PGQuery] = []
        if let publicationLevel { terms.append("t.publication_level = \(publicationLevel.rawValue)") }
        if let language { terms.append("t.language = \(language)") }
        if !tags.isEmpty { terms.append("t.tags @> \(tags)") }
        if let search {
            let pattern = LikePattern.containing(search)
            terms.append(#"(t.name ILIKE \#(pattern) ESCAPE '\' OR t.description ILIKE \#(pattern) ESCAPE '\')"#)
        }
        return terms.isEmpty ? "TRUE" : PGQuery.joined(terms, separator: " AND ")
    }

    /// A non-empty text parameter, or `nil`.
    private static func text(_ name: String, in query: StrictQuery) throws -> String? {
        guard let value = try query.string(name), !value.isEmpty else { return nil }
        try rejectNUL(name, value)
        return String(value)
    }

    /// PostgreSQL text cannot hold NUL, so a value with one is a client error, not a 500.
    private static func rejectNUL(_ name: String, _ value: some StringProtocol) throws {
        if value.utf8.contains(0) { throw APIError.badParameter(name, "contains a NUL character") }
    }
}
