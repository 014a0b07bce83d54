import Hummingbird
import Postgres

/// Answers a list request from one SQL statement: a bare JSON array, or a page envelope when
/// the request has `?limit=` or `?offset=`.
public enum ListResponse {
    /// The envelope of a paged list.
    struct Page<Item: Encodable>: Encodable {
        var count: Int
        var next: String?
        var previous: String?
        var results: [Item]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(next, forKey: .next)
            try container.encode(previous, forKey: .previous)
            try container.encode(results, forKey: .results)
        }

        enum CodingKeys: String, CodingKey { case count, next, previous, results }
    }

    /// Runs `base` (a `SELECT` without `ORDER BY`) ordered by `orderBy`, paged if asked, and
    /// encodes each row with `decode`, which reads the row's columns from the given index on.
    public static func respond<Item: Encodable>(
        to request: Request,
        base: PGQuery,
        orderBy: PGQuery,
        pool: PGPool,
        decode: (PGRow, Int) throws -> Item
    ) async throws -> Response {
        guard let page = try PageRequest(StrictQuery(request)) else {
            let rows = try await pool.query("\(base) ORDER BY \(orderBy)")
            return try .json(rows.map { try decode($0, 0) })
        }
        let rows = try await pool.query(page.query(base, orderBy: orderBy))
        let count = try rows.first.map { try $0.decode(Int.self, at: 0) } ?? 0
        let items = try rows.filter { $0.text(at: 1) != nil }.map { try decode($0, 2) }
        let (next, previous) = page.links(count: count, request: request)
        return try .json(Page(count: count, next: next, previous: previous, results: items))
    }
}
