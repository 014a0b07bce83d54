import TestSupport
import Foundation
import Postgres
import Testing

@Suite("Typed round trips through PostgreSQL")
struct PGTypeRoundTripTests {
    struct Attribution: Codable, Equatable, Sendable {
        var author: String
        var year: Int
        var tags: [String]
    }

    @Test func everyTypeRoundTripsWithNulls() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("""
                CREATE TABLE everything (
                    id serial PRIMARY KEY,
                    t text, b bool, i2 int2, i4 int4, i8 int8, f8 float8, n numeric, u uuid,
                    ts timestamptz, d date, j jsonb, bin bytea, arr text[]
                )
                """)
            let uuid = UUID()
            let moment = Date(timeIntervalSince1970: 1_795_000_000.123456)
            let attribution = Attribution(author: "Zoë 🌍 \"quoted\"", year: 2026, tags: ["a,b", "{c}"])
            let bytes = Data([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff])
            let array = ["plain", "with space", "comma,inside", "quote\"inside", "back\\slash", "NULL", "", "ünïcödé 🚀", "{braces}"]
            let text = "héllo wörld — 日本語 🎉"
            let decimal = Decimal(string: "12345678901234567890.123456789")!
            try await pool.execute("""
                INSERT INTO everything (t, b, i2, i4, i8, f8, n, u, ts, d, j, bin, arr)
                VALUES (\(text), \(true), \(Int16(-32768)), \(Int32.max), \(Int64.min), \(1.0 / 3.0), \(decimal), \(uuid),
                        \(moment), '2026-11-22', \(PGJSON(attribution)), \(bytes), \(array))
                """)
            try await pool.execute("INSERT INTO everything DEFAULT VALUES")

            let rows = try await pool.query("SELECT t, b, i2, i4, i8, f8, n, u, ts, d, j, bin, arr FROM everything ORDER BY id")
            #expect(rows.count == 2)
            let full = rows[0]
            #expect(try full.decode(String.self, at: 0) == text)
            #expect(try full.decode(Bool.self, at: 1) == true)
            #expect(try full.decode(Int16.self, at: 2) == -32768)
            #expect(try full.decode(Int32.self, at: 3) == Int32.max)
            #expect(try full.decode(Int64.self, at: 4) == Int64.min)
            #expect(try full.decode(Double.self, at: 5) == 1.0 / 3.0)
            #expect(try full.decode(Decimal.self, at: 6) == decimal)
            #expect(try full.decode(String.self, at: 6) == "12345678901234567890.123456789")
            #expect(try full.decode(UUID.self, at: 7) == uuid)
            let decodedMoment = try full.decode(Date.self, at: 8)
            #expect(abs(decodedMoment.timeIntervalSince(moment)) < 0.000_001)
            #expect(try full.decode(Date.self, at: 9) == Date(timeIntervalSince1970: 1_795_305_600))
            #expect(try full.decode(PGJSON<Attribution>.self, at: 10).value == attribution)
            #expect(try full.decode(Data.self, at: 11) == bytes)
            #expect(try full.decode([String].self, at: 12) == array)

            let empty = rows[1]
            #expect(try empty.decode(String?.self, at: 0) == nil)
            #expect(try empty.decode(Bool?.self, at: 1) == nil)
            #expect(try empty.decode(Int64?.self, at: 4) == nil)
            #expect(try empty.decode(Date?.self, at: 8) == nil)
            #expect(try empty.decode([String]?.self, at: 12) == nil)
            #expect(throws: PGError.self) { try empty.decode(String.self, at: 0) }
        }
    }

    @Test func nullIsDistinctFromEmpty() async throws {
        try await TestDatabase.withPool { pool in
            let empty: [String] = []
            let none: [String]? = nil
            let row = try await pool.query("SELECT \(""), \(String?.none), \(empty), \(none)")[0]
            let (a, b, c, d) = try row.decode((String?, String?, [String]?, [String]?).self)
            #expect(a == "")
            #expect(b == nil)
            #expect(c == [])
            #expect(d == nil)
            // Every bind NULL: no parameter text at all.
            #expect(try await pool.query("SELECT \(Int?.none) IS NULL AND \(Int64?.none) IS NULL")[0].decode(Bool.self, at: 0))
        }
    }

    @Test func decodesByNameAndAsTuples() async throws {
        try await TestDatabase.withPool { pool in
            let rows = try await pool.query("SELECT 42::int4 AS answer, 'x' AS letter, NULL::int8 AS nothing")
            #expect(try rows[0].decode(Int.self, named: "answer") == 42)
            #expect(try rows[0].decode(String.self, named: "letter") == "x")
            let (answer, letter, nothing) = try rows[0].decode((Int, String, Int?).self)
            #expect(answer == 42 && letter == "x" && nothing == nil)
            #expect(throws: PGError.self) { try rows[0].decode(Int.self, named: "missing") }
            #expect(throws: PGError.self) { try rows[0].decode(UUID.self, named: "answer") }
        }
    }

    @Test func injectionTextIsStoredVerbatim() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE x (value text)")
            let hostile = "'); DROP TABLE x; --"
            try await pool.execute("INSERT INTO x (value) VALUES (\(hostile))")
            let stored = try await pool.query("SELECT value FROM x")
            #expect(stored.count == 1)
            #expect(try stored[0].decode(String.self, at: 0) == hostile)
            let found = try await pool.query("SELECT count(*) FROM x WHERE value = \(hostile)")
            #expect(try found[0].decode(Int.self, at: 0) == 1)
        }
    }

    @Test func nulByteIsRefusedWithAClearError() async throws {
        try await TestDatabase.withPool { pool in
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT \("a\u{0}b")") }
            #expect(error?.sqlState == "22021")
            // The connection is still good afterwards.
            let after = try await pool.query("SELECT 1")[0].decode(Int.self, at: 0)
            #expect(after == 1)
        }
    }

    /// Integers are read from the digits' bytes (no `String`): every width at its limits, and
    /// text that does not fit the asked type is a decoding error, not a wrapped value.
    @Test func integersDecodeFromTheirBytesAndOverflowIsAnError() async throws {
        try await TestDatabase.withPool { pool in
            let row = try await pool.query("""
                SELECT \(Int64.max), \(Int64.min), 0::int8, -7::int4, 32767::int2, 40000::int4, '+12'::text, '1x'::text, ''::text, '-'::text
                """)[0]
            #expect(try row.decode(Int64.self, at: 0) == Int64.max)
            #expect(try row.decode(Int.self, at: 1) == Int.min)
            #expect(try row.decode(Int64.self, at: 2) == 0)
            #expect(try row.decode(Int32.self, at: 3) == -7)
            #expect(try row.decode(Int16.self, at: 4) == 32767)
            #expect(throws: PGError.self) { try row.decode(Int16.self, at: 5) }
            #expect(throws: PGError.self) { try row.decode(Int32.self, at: 0) }
            #expect(throws: PGError.self) { try row.decode(Int64.self, at: 6) }  // a text column
            #expect(try Int.pgDecode("+12", type: .unknown) == 12)
            for malformed in ["1x", "", "-", "+", " 1", "１"] {
                #expect(throws: PGError.self) { try Int.pgDecode(malformed, type: .unknown) }
            }
            #expect(!row.isNull(at: 7))
        }
    }
}
