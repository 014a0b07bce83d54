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

    /// A query planned once runs with `plan_cache_mode = force_generic_plan`; any other query
    /// after it on the same connection, and every statement of a transaction, runs in
    /// PostgreSQL's own choice again (the setting is changed only outside transactions, where
    /// a rollback cannot undo it behind the pool's back).
    @Test func aQueryPlannedOnceLeavesNoGenericPlansBehind() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let mode: PGQuery = "SELECT current_setting('plan_cache_mode')"
            func current(_ query: PGQuery, on connection: PGConnection) async throws -> String {
                try await connection.query(query)[0].decode(String.self, at: 0)
            }
            try await pool.withConnection { connection in
                #expect(try await current(mode.plannedOnce, on: connection) == "force_generic_plan")
                #expect(try await current(mode.plannedOnce, on: connection) == "force_generic_plan")
                #expect(try await current(mode, on: connection) == "auto")
                #expect(try await current(mode.plannedEachTime, on: connection) == "auto")
                #expect(try await current(mode.plannedOnce, on: connection) == "force_generic_plan")
                let inside = try await connection.withTransaction { connection in
                    [try await current(mode, on: connection), try await current(mode.plannedOnce, on: connection)]
                }
                #expect(inside == ["auto", "auto"])
                await #expect(throws: Boom.self) {
                    try await connection.withTransaction { connection in
                        _ = try await current(mode.plannedOnce, on: connection)
                        throw Boom()
                    }
                }
                #expect(try await current(mode.plannedOnce, on: connection) == "force_generic_plan")
                #expect(try await current(mode, on: connection) == "auto")
            }
        }
    }
}
