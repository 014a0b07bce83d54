import Foundation
import Postgres
import Server
import ServerTestSupport
import Vault
import TestSupport
import Testing

/// `/api/health` and the rest of the API while the database is down, and after it returns.
@Suite struct HealthTests {
    /// Readiness follows the change listener (SPEC §12): a real listener on the test database,
    /// stopped, makes the instance not ready while liveness stays 200.
    @Test func readyFollowsTheChangeListener() async throws {
        try await ServerWorld.with { world in
            let invalidator = VaultInvalidator(vault: world.dependencies.vault, configuration: world.pool.configuration)
            let readiness = Readiness { invalidator.isConnected }
            let running = Task { try await invalidator.run() }
            try await world.client(shared: APIDependencies(readiness: readiness)) { client in
                var ready = try await client.send("/api/ready")
                for _ in 0..<50 where ready.status != .ok {
                    try await Task.sleep(for: .milliseconds(50))
                    ready = try await client.send("/api/ready")
                }
                #expect(ready.status == .ok && ready.object["status"] as? String == "ok")
                invalidator.stop()
                _ = try? await running.value
                let down = try await client.send("/api/ready")
                #expect(down.status == .serviceUnavailable && down.object["reason"] as? String == "change listener disconnected")
                #expect(try await client.send("/api/health").status == .ok)
                readiness.beginDraining()
                #expect(try await client.send("/api/ready").object["reason"] as? String == "draining")
            }
        }
    }

    @Test func healthIs503WhileTheDatabaseIsDownAndRecovers() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            let database = try #require(world.pool.configuration.database)
            let admin = PGPool(configuration: PGConfiguration(connectionString: TestDatabase.serverURL, maxConnections: 1))

            try await world.client { client in
                let up = try await client.send("/api/health")
                #expect(up.status == .ok)
                #expect(up.object["status"] as? String == "ok")

                // An outage: no new connections, and every open one cut.
                try await admin.withConnection { connection in
                    try await connection.run(script: "ALTER DATABASE \(database) ALLOW_CONNECTIONS false")
                    _ = try await connection.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(database)")
                }
                for _ in 0..<2 {
                    let down = try await client.send("/api/health")
                    #expect(down.status == .serviceUnavailable)
                    #expect(down.object["status"] as? String == "unavailable")
                }
                let list = try await client.send("/api/surveys/", key: key)
                #expect(list.status == .serviceUnavailable)
                #expect(list.headers[.retryAfter] != nil)
                #expect(list.detail == "Service temporarily unavailable.")

                try await admin.withConnection { try await $0.run(script: "ALTER DATABASE \(database) ALLOW_CONNECTIONS true") }
                let back = try await client.send("/api/health")
                #expect(back.status == .ok)
                #expect(try await client.send("/api/surveys/", key: key).status == .ok)
            }
            await admin.close()
        }
    }
}
