import TestSupport
import Foundation
import NIOConcurrencyHelpers
import Postgres
import Testing

@Suite("Connection pool")
struct PGPoolTests {
    /// Every statement has a deadline: a hung query is cancelled by the server (SQLSTATE 57014)
    /// instead of holding a request, and the connection serves again after it.
    @Test func statementsHaveADeadline() async throws {
        try await TestDatabase.withPool(adjusting: { $0.statementTimeout = .milliseconds(300) }) { pool in
            let started = ContinuousClock.now
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT pg_sleep(30)") }
            #expect(error?.sqlState == "57014")
            // Far sooner than the sleep (how soon is a benchmark's question on a loaded machine).
            #expect(ContinuousClock.now - started < .seconds(15))
            let shown = try await pool.query("SHOW statement_timeout")[0].decode(String.self, at: 0)
            #expect(shown == "300ms")
            #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
        }
    }

    /// A query planned each time is sent unnamed: it runs with its values, and the connection
    /// keeps no prepared statement of it (one a plain query of the same text then prepares).
    @Test func queriesPlannedEachTimeAreNotPrepared() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            try await pool.withConnection { connection in
                let prepared: PGQuery = "SELECT count(*) FROM pg_prepared_statements"
                let before = try await connection.query(prepared)[0].decode(Int.self, at: 0)
                for value in 1...7 {
                    let query: PGQuery = "SELECT \(value)::int8 * 3"
                    #expect(try await connection.query(query.plannedEachTime)[0].decode(Int.self, at: 0) == value * 3)
                }
                #expect(try await connection.query(prepared)[0].decode(Int.self, at: 0) == before)
                #expect(try await connection.query("SELECT \(5)::int8 * 3")[0].decode(Int.self, at: 0) == 15)
                #expect(try await connection.query(prepared)[0].decode(Int.self, at: 0) == before + 1)
            }
        }
    }

    @Test func twoHundredTasksShareEightConnectionsWithoutOverlap() async throws {
        // The last of 200 waiters waits 25 rounds: on a machine busy with the whole suite, longer
        // than the default 10 s. Waiting is not what this test is about; sharing is.
        try await TestDatabase.withPool(maxConnections: 8, adjusting: { $0.acquireTimeout = .seconds(120) }) { pool in
            let inUse = NIOLockedValueBox(Set<Int32>())
            let seen = NIOLockedValueBox(Set<Int32>())
            let overlaps = NIOLockedValueBox(0)
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let pid = connection.backendPID
                            inUse.withLockedValue { if !$0.insert(pid).inserted { overlaps.withLockedValue { $0 += 1 } } }
                            seen.withLockedValue { _ = $0.insert(pid) }
                            defer { inUse.withLockedValue { _ = $0.remove(pid) } }
                            let rows = try await connection.query("SELECT \(task)::int8 * 2, pg_backend_pid()")
                            #expect(try rows[0].decode(Int32.self, at: 1) == pid)
                            return try rows[0].decode(Int.self, at: 0)
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(results.sorted() == (0..<200).map { $0 * 2 })
            #expect(overlaps.withLockedValue { $0 } == 0)
            #expect(seen.withLockedValue { $0.count } <= 8)
            #expect(seen.withLockedValue { $0.count } > 1)
        }
    }

    @Test func waitingLongerThanTheTimeoutFails() async throws {
        try await TestDatabase.withPool(maxConnections: 1, adjusting: { $0.acquireTimeout = .milliseconds(200) }) { pool in
            try await pool.withConnection { _ in
                let started = ContinuousClock.now
                let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
                #expect(error?.kind == .poolTimeout)
                // The only connection is held until this closure returns, so without the 200 ms
                // timeout the query would wait forever; the bound leaves room for a loaded machine
                // (2.6 s seen with the whole suite running beside other builds on two cores).
                #expect(ContinuousClock.now - started < .seconds(10))
            }
            // Once the connection is back, the pool serves again.
            #expect(try await pool.query("SELECT 7")[0].decode(Int.self, at: 0) == 7)
        }
    }

    @Test func uniqueViolationCarriesSQLStateAndDetail() async throws {
        try await TestDatabase.withPool { pool in
            try await pool.execute("CREATE TABLE people (email text CONSTRAINT people_email_key UNIQUE)")
            try await pool.execute("INSERT INTO people VALUES (\("a@example.com"))")
            let error = await #expect(throws: PGError.self) {
                try await pool.execute("INSERT INTO people VALUES (\("a@example.com"))")
            }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.sqlState == "23505")
            #expect(error?.constraint == "people_email_key")
            #expect(error?.detail?.contains("already exists") == true)
            #expect(error?.kind == .server)
            // DETAIL quotes the row's value; what is logged (the description) never does.
            #expect(error?.detail?.contains("a@example.com") == true)
            #expect(error.map { "\($0)" }?.contains("a@example.com") == false)
        }
    }

    @Test func syntaxErrorsAreServerErrorsAndTheConnectionSurvives() async throws {
        try await TestDatabase.withPool(maxConnections: 1) { pool in
            let error = await #expect(throws: PGError.self) { try await pool.query("SELEC 1") }
            #expect(error?.sqlState == "42601")
            let after = try await pool.query("SELECT 2")[0].decode(Int.self, at: 0)
            #expect(after == 2)
        }
    }

    @Test func terminatedBackendsAreReplaced() async throws {
        try await TestDatabase.withFresh(maxConnections: 4) { configuration in
            let pool = PGPool(configuration: configuration)
            // Open four connections and leave them idle in the pool.
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await pool.withConnection { connection in
                        try await connection.query("SELECT pg_sleep(0.05)")
                        return connection.backendPID
                    } }
                }
                let pids = try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
                #expect(pids.count == 4)
            }
            var observerConfiguration = configuration
            observerConfiguration.maxConnections = 1
            let observer = PGPool(configuration: observerConfiguration)
            let killed = try await observer.query("""
                SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))
                FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)[0].decode(Int.self, at: 0)
            await observer.close()
            #expect(killed == 4)
            // Every pooled backend is gone now; the next queries must still succeed.
            for value in 0..<8 {
                let answer = try await pool.query("SELECT \(value)::int8")[0].decode(Int.self, at: 0)
                #expect(answer == value)
            }
            await pool.close()
        }
    }
}
