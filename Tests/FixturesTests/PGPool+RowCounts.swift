import TestSupport
import Postgres

extension PGPool {
    /// The number of rows in every table of the `public` schema, by table name.
    func rowCounts() async throws -> [String: Int64] {
        let rows = try await query("""
            SELECT table_name::text,
                   (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', table_name), false, true, '')))[1]::text::bigint
            FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            """)
        var counts: [String: Int64] = [:]
        for row in rows {
            let (table, count) = try row.decode((String, Int64).self)
            counts[table] = count
        }
        return counts
    }
}
