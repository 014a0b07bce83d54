@testable import Postgres
import TestSupport
import Testing

@Suite("Query building")
struct PGQueryTests {
    @Test func interpolationBecomesBinds() {
        let name = "alice'; --"
        let query: PGQuery = "SELECT * FROM users WHERE username = \(name) AND id > \(5)"
        #expect(query.sql == "SELECT * FROM users WHERE username = $1 AND id > $2")
        #expect(query.binds.map(\.text) == ["alice'; --", "5"])
    }

    @Test func fragmentsAreRenumbered() {
        let filter: PGQuery = "tag = \("a") AND label <> '$1' AND n = \(2)"
        let query: PGQuery = "SELECT 1 WHERE owner = \(7) AND \(filter) AND z = \(true)"
        #expect(query.sql == "SELECT 1 WHERE owner = $1 AND tag = $2 AND label <> '$1' AND n = $3 AND z = $4")
        #expect(query.binds.map(\.text) == ["7", "a", "2", "t"])
    }

    /// Renumbering shifts `$n` outside quotes only: many digits, a placeholder at either end, a
    /// lone `$` and dollar signs in string literals and quoted identifiers stay as they are.
    @Test func renumberingTouchesOnlyPlaceholders() {
        #expect(PGQuery.renumber("$1", by: 9) == "$10")
        #expect(PGQuery.renumber("$12 = x AND y = $3", by: 100) == "$112 = x AND y = $103")
        #expect(PGQuery.renumber("price > $ AND '$1' <> \"$2\" AND $4$", by: 1) == "price > $ AND '$1' <> \"$2\" AND $5$")
        #expect(PGQuery.renumber("ü = $1 -- é", by: 2) == "ü = $3 -- é")
        #expect(PGQuery.renumber("", by: 3) == "")
    }

    @Test func joinedRenumbersEveryPart() {
        let parts: [PGQuery] = ["a = \(1)", "b = \("x")", "c IS NULL", "d = \(Int?.none)"]
        let joined = PGQuery.joined(parts, separator: " AND ")
        #expect(joined.sql == "a = $1 AND b = $2 AND c IS NULL AND d = $3")
        #expect(joined.binds.map(\.text) == ["1", "x", nil])
    }

    @Test func arrayLiteralsRoundTrip() {
        let values = ["", "a b", "q\"uote", "b\\s", "NULL", "ü,{}"]
        let literal = PGArrayLiteral.format(values)
        #expect(PGArrayLiteral.parse(literal)?.compactMap { $0 } == values)
        #expect(PGArrayLiteral.parse("{a,NULL,\"NULL\"}")! == ["a", nil, "NULL"])
        #expect(PGArrayLiteral.parse("{}")! == [])
        #expect(PGArrayLiteral.parse("{\"unterminated}") == nil)
        #expect(PGArrayLiteral.parse("nope") == nil)
    }

    @Test func timestampsParseAndFormat() {
        let date = PGTimestamp.parse("2026-11-22 15:37:28.5+00")!
        #expect(date.timeIntervalSince1970 == 1_795_361_848.5)
        #expect(PGTimestamp.parse("2026-11-22 17:37:28.5+02")! == date)
        #expect(PGTimestamp.parse("2026-11-22 10:07:28.5-05:30")! == date)
        #expect(PGTimestamp.format(date) == "2026-11-22 15:37:28.500000+00")
        #expect(PGTimestamp.parse("2026-13-01") == nil)
        #expect(PGTimestamp.parse("garbage") == nil)
    }
}
