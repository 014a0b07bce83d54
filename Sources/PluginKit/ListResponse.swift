import Hummingbird
import JSON
import Postgres

/// Answers a list request from one SQL statement: a bare JSON array, or a page envelope when
/// the request has `?limit=` or `?offset=`.
public enum ListResponse {
    /// Runs `base` (a `SELECT` without `ORDER BY`) ordered by `orderBy`, paged if asked, planned
    /// once per connection (a visibility list's plan does not depend on whose it is), and
    /// writes each row as the item `decode` reads from it (its columns from the given index on):
    /// the JSON body of the list's answer.
    ///
    /// Inlinable, so each plugin's call is specialised for its item type: rows go straight from
    /// the result into the body, with no array of items between and no generic calls per field.
    @inlinable
    public static func body<Item: JSONWritable>(
        for request: Request,
        base: PGQuery,
        orderBy: PGQuery,
        pool: PGPool,
        decode: (PGRow, Int) throws -> Item
    ) async throws -> ByteBuffer {
        let plan = try Plan(request: request, base: base, orderBy: orderBy)
        let rows = try await pool.query(plan.query)
        guard let page = plan.page else {
            var json = JSONWriter(capacity: 64 + rows.count * 192)
            try json.array { json in
                for row in rows { try decode(row, 0).write(to: &json) }
            }
            return json.buffer
        }
        let count = try rows.first.map { try $0.decode(Int.self, at: 0) } ?? 0
        var json = JSONWriter(capacity: 256 + rows.count * 192)
        try json.object { json in
            page.writeCountAndLinks(count: count, request: request, to: &json)
            json.key("results")
            try json.array { json in
                for row in rows where !row.isNull(at: 1) { try decode(row, 2).write(to: &json) }
            }
        }
        return json.buffer
    }

    /// The statement a list request runs, and the page it asked for (if any).
    @usableFromInline
    struct Plan {
        @usableFromInline let query: PGQuery
        @usableFromInline let page: PageRequest?

        @usableFromInline
        init(request: Request, base: PGQuery, orderBy: PGQuery) throws {
            page = try PageRequest(StrictQuery(request))
            query = (page?.query(base, orderBy: orderBy) ?? PGQuery("\(base) ORDER BY \(orderBy)")).plannedOnce
        }
    }
}
