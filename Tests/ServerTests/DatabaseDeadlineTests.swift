import Foundation
import Hummingbird
import Postgres
import ServerTestSupport
import Testing

/// SPEC §12: every database call has a deadline, so a hung database gives 503s, not stuck
/// requests and not 500s.
@Suite struct DatabaseDeadlineTests {
    @Test func aStatementPastItsDeadlineAnswers503() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            try await world.survey("s1", owner: alice)
            let key = try await world.key(for: alice)
            var configuration = world.pool.configuration
            configuration.statementTimeout = .milliseconds(300)
            let hasty = PGPool(configuration: configuration)
            let instance = ServerWorld(pool: hasty)
            // Another session holds the table: the list's statement waits past its deadline.
            try await world.pool.withTransaction { connection in
                try await connection.execute("LOCK TABLE surveys IN ACCESS EXCLUSIVE MODE")
                try await instance.client { client in
                    let started = ContinuousClock.now
                    let reply = try await client.send("/api/surveys/", key: key)
                    #expect(reply.status == .serviceUnavailable, "\(reply.text)")
                    #expect(reply.headers[.retryAfter] == "5")
                    #expect(reply.detail == "Service temporarily unavailable.")
                    #expect(ContinuousClock.now - started < .seconds(5))
                }
            }
            try await instance.client { client in
                let reply = try await client.send("/api/surveys/", key: key)
                #expect(reply.status == .ok && reply.ids.count == 1)
            }
            await hasty.close()
        }
    }
}
