import TestSupport
import Foundation
import Postgres
import Testing

/// Stops and restarts a private cluster of its own, so other tests are unaffected.
@Suite("Database outage")
struct PGOutageTests {
    @Test func queriesFailFastWhileTheServerIsDownAndRecoverAfter() async throws {
        try await TestDatabase.withPrivateCluster("outage") { url, cluster in
            var configuration = PGConfiguration(connectionString: url, maxConnections: 4)
            // The pool's own wait, far above the bound below: a refusal must not fall back on it.
            configuration.acquireTimeout = .seconds(60)
            let pool = PGPool(configuration: configuration)
            #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)

            try cluster("stop")
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
                #expect(error?.kind == .connection)
                #expect(error?.isConnectionFailure == true)
                // A refusal, not the pool's wait (60 s here) nor a hang. On a machine running the whole
                // suite at once (initdb of two private clusters included) a refusal has taken up to 8.5 s.
                #expect(ContinuousClock.now - started < .seconds(20))
            }

            try cluster("start")
            #expect(try await pool.query("SELECT 2")[0].decode(Int.self, at: 0) == 2)
            await pool.close()
        }
    }
}
