import Hummingbird
import JSON
import Postgres

/// `?limit=&offset=` on a list: when either is given the list answers a page
/// `{"count","next","previous","results"}`, otherwise a bare JSON array (SPEC §4).
public struct PageRequest: Sendable, Hashable {
    /// Rows per page when only `offset` is given.
    public static let defaultLimit = 100
    /// The largest `limit` accepted.
    public static let maxLimit = 1000

    /// Rows per page, `1...maxLimit`.
    public var limit: Int
    /// Rows skipped, `>= 0`.
    public var offset: Int

    public init(limit: Int, offset: Int) {
        self.limit = limit
        self.offset = offset
    }

    /// The page asked for, `nil` when the request asks for no paging; a bad value throws 400.
    public init?(_ query: StrictQuery) throws {
        guard query.has("limit") || query.has("offset") else { return nil }
        limit = try query.integer("limit", in: 1...Self.maxLimit) ?? Self.defaultLimit
        offset = try query.integer("offset", in: 0...Int(Int32.max)) ?? 0
    }

    /// Wraps a list query so one statement returns the page and the total.
    ///
    /// The result has the total count at column 0, a position at column 1 (`NULL` on the one
    /// row returned for an empty page) and the columns of `base` from column 2. `orderBy` names
    /// output columns of `base`, e.g. `"id"`; it is SQL text, never user input.
    public func query(_ base: PGQuery, orderBy: PGQuery) -> PGQuery {
        """
        WITH lk_visible AS (\(base))
        SELECT lk_total.n, lk_page.*
        FROM (SELECT count(*) AS n FROM lk_visible) AS lk_total
        LEFT JOIN LATERAL (
            SELECT row_number() OVER (ORDER BY \(orderBy)) AS lk_position, lk_visible.*
            FROM lk_visible ORDER BY \(orderBy) LIMIT \(limit) OFFSET \(offset)
        ) AS lk_page ON true
        ORDER BY lk_page.lk_position
        """
    }

    /// A page envelope's members before `results`: `count`, `next`, `previous`.
    @usableFromInline
    func writeCountAndLinks(count: Int, request: Request, to json: inout JSONWriter) {
        let (next, previous) = links(count: count, request: request)
        json.field("count", count)
        json.field("next", next)
        json.field("previous", previous)
    }

    /// The `next` and `previous` links for a page of `count` rows, as Django REST Framework's
    /// limit/offset paging writes them.
    func links(count: Int, request: Request) -> (next: String?, previous: String?) {
        let next = offset + limit < count ? link(request, offset: offset + limit) : nil
        let previous: String?
        if offset <= 0 {
            previous = nil
        } else {
            previous = link(request, offset: offset - limit > 0 ? offset - limit : nil)
        }
        return (next, previous)
    }

    /// The request's path and query with `limit` set and `offset` replaced (or dropped when `nil`).
    private func link(_ request: Request, offset: Int?) -> String {
        var items = (request.uri.query ?? "").split(separator: "&").filter { item in
            let name = item.split(separator: "=", maxSplits: 1).first ?? ""
            return name != "limit" && name != "offset"
        }.map(String.init)
        items.append("limit=\(limit)")
        if let offset { items.append("offset=\(offset)") }
        // Relative: a link built from the request's `Host` would let any client choose where
        // it points (cache poisoning, phishing through a shared proxy).
        return request.uri.path + "?" + items.joined(separator: "&")
    }
}
