import TestSupport
import Postgres
import Testing

@Suite("Transactions")
struct PGTransactionTests {
    struct Boom: Error {}

    @Test func commitsOnReturnAndRollsBackOnThrow() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE ledger (entry text)")
            let returned = try await pool.withTransaction { connection in
                try await connection.execute("INSERT INTO ledger VALUES (\("kept"))")
            }
            #expect(returned == 1)
            await #expect(throws: Boom.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger VALUES (\("discarded"))")
                    throw Boom()
                }
            }
            let rows = try await pool.query("SELECT entry FROM ledger")
            #expect(try rows.decode((String).self) == ["kept"])
        }
    }

    @Test func aCaughtStatementErrorStillRollsBack() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE ledger (entry text UNIQUE)")
            try await pool.execute("INSERT INTO ledger VALUES ('dup')")
            await #expect(throws: PGError.self) {
                try await pool.withTransaction { connection in
                    try await connection.execute("INSERT INTO ledger VALUES ('new')")
                    _ = try? await connection.execute("INSERT INTO ledger VALUES ('dup')")
                }
            }
            let count = try await pool.query("SELECT count(*) FROM ledger")[0].decode(Int.self, at: 0)
            #expect(count == 1)
        }
    }
}
