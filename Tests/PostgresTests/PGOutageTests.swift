import TestSupport
import Foundation
import Postgres
import Testing

/// Stops and restarts a private cluster of its own, so other tests are unaffected.
@Suite("Database outage")
struct PGOutageTests {
    @Test func queriesFailFastWhileTheServerIsDownAndRecoverAfter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-pg-outage-\(UUID().uuidString.prefix(8))").path
        let environment = ["LATCHKEY_PG_DIR": directory]
        defer {
            _ = try? TestDatabase.runScript("deploy/local-postgres.sh", ["stop"], environment: environment)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let url = try TestDatabase.runScript("deploy/local-postgres.sh", ["start"], environment: environment)
        let pool = PGPool(configuration: PGConfiguration(connectionString: url, maxConnections: 4))
        #expect(try await pool.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)

        _ = try TestDatabase.runScript("deploy/local-postgres.sh", ["stop"], environment: environment)
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
            #expect(error?.kind == .connection)
            #expect(error?.isConnectionFailure == true)
            #expect(ContinuousClock.now - started < .seconds(2))
        }

        _ = try TestDatabase.runScript("deploy/local-postgres.sh", ["start"], environment: environment)
        #expect(try await pool.query("SELECT 2")[0].decode(Int.self, at: 0) == 2)
        await pool.close()
    }
}
