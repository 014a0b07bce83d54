import Hummingbird
import JSON
import Postgres

/// Answers a list request from one SQL statement: a bare JSON array, or a page envelope when
/// the request has `?limit=` or `?offset=`.
public enum ListResponse {
    /// The envelope of a paged list.
    struct Page<Item: JSONWritable>: JSONWritable {
        var count: Int
        var next: String?
        var previous: String?
        var results: [Item]

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.field("count", count)
                json.field("next", next)
                json.field("previous", previous)
                json.field("results", results)
            }
        }
    }

    /// Runs `base` (a `SELECT` without `ORDER BY`) ordered by `orderBy`, paged if asked, planned
    /// once per connection (a visibility list's plan does not depend on whose it is), and
    /// encodes each row with `decode`, which reads the row's columns from the given index on: the
    /// JSON body of the list's answer.
    public static func body<Item: JSONWritable>(
        for request: Request,
        base: PGQuery,
        orderBy: PGQuery,
        pool: PGPool,
        decode: (PGRow, Int) throws -> Item
    ) async throws -> ByteBuffer {
        guard let page = try PageRequest(StrictQuery(request)) else {
            let rows = try await pool.query(PGQuery("\(base) ORDER BY \(orderBy)").plannedOnce)
            return try rows.map { try decode($0, 0) }.jsonBuffer(capacity: 64 + rows.count * 192)
        }
        let rows = try await pool.query(page.query(base, orderBy: orderBy).plannedOnce)
        let count = try rows.first.map { try $0.decode(Int.self, at: 0) } ?? 0
        let items = try rows.filter { !$0.isNull(at: 1) }.map { try decode($0, 2) }
        let (next, previous) = page.links(count: count, request: request)
        return Page(count: count, next: next, previous: previous, results: items).jsonBuffer(capacity: 256 + items.count * 192)
    }
}
