import PluginKit
import Policy
import DatasetsPolicy
import Postgres

/// The list filters of `GET /api/datasets/`, combined with AND (SPEC §4 Datasets):
/// `tags=a,b` (has all), `search=` (name or description, case-insensitive, `%`, `_` and `\`
/// matched literally) and `category=` (one of the categories, else 400).
struct DatasetFilters: Sendable, Hashable {
    /// Tags every listed dataset has; empty for no tag filter.
    var tags: [String] = []
    /// Text the name or description contains, ignoring case; `nil` or empty for no search.
    var search: String?
    /// The one category listed, if given.
    var category: DatasetCategory?

    init(tags: [String] = [], search: String? = nil, category: DatasetCategory? = nil) {
        self.tags = tags
        self.search = search
        self.category = category
    }

    /// Reads the filters; a repeated parameter, an unknown category or a NUL character → 400.
    init(_ query: StrictQuery) throws {
        tags = try query.list("tags")
        search = try query.string("search").map(String.init)
        category = try query.choice("category", as: DatasetCategory.self)
        if tags.contains(where: Self.hasNUL) { throw APIError.badParameter("tags", "must not contain NUL characters") }
        if let search, Self.hasNUL(search) { throw APIError.badParameter("search", "must not contain NUL characters") }
    }

    /// The SQL condition on `datasets d` (`TRUE` when there is no filter).
    var condition: PGQuery {
        var terms: [PGQuery] = []
        if !tags.isEmpty { terms.append("d.tags @> \(tags)") }
        if let search, !search.isEmpty {
            let pattern = "%" + Self.escapedForLike(search) + "%"
            terms.append(#"(d.name ILIKE \#(pattern) ESCAPE '\' OR d.description ILIKE \#(pattern) ESCAPE '\')"#)
        }
        if let category { terms.append("d.category = \(category.rawValue)") }
        return terms.isEmpty ? "TRUE" : PGQuery.joined(terms, separator: " AND ")
    }

    /// `text` with `\`, `%` and `_` escaped by `\`, so a `LIKE … ESCAPE '\'` matches it literally.
    static func escapedForLike(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if character == "\\" || character == "%" || character == "_" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private static func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }
}
