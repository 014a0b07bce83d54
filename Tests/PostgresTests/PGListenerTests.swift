import TestSupport
import Postgres
import Testing

@Suite("LISTEN / NOTIFY")
struct PGListenerTests {
    @Test func deliversAThousandNotificationsInOrder() async throws {
        try await TestDatabase.withFresh { configuration in
            let listener = PGListener(configuration: configuration, channels: ["latchkey_test"])
            let running = Task { try await listener.run() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)

            let pool = PGPool(configuration: configuration)
            for index in 0..<1000 {
                try await pool.query("SELECT pg_notify('latchkey_test', \(String(index)))")
            }
            var payloads: [String] = []
            while payloads.count < 1000, let event = await events.next() {
                if case .notification(let notification) = event {
                    #expect(notification.channel == "latchkey_test")
                    payloads.append(notification.payload)
                }
            }
            #expect(payloads == (0..<1000).map(String.init))
            listener.stop()
            try await running.value
            await pool.close()
        }
    }

    @Test func reconnectsAfterItsBackendIsTerminated() async throws {
        try await TestDatabase.withFresh { configuration in
            let listener = PGListener(configuration: configuration, channels: ["latchkey_test"])
            let running = Task { try await listener.run() }
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .connected)

            let pool = PGPool(configuration: configuration)
            try await pool.query("""
                SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                """)
            #expect(await events.next() == .connected)
            try await pool.query("SELECT pg_notify('latchkey_test', 'after')")
            let next = await events.next()
            guard case .notification(let notification) = next else {
                Issue.record("expected a notification, got \(String(describing: next))")
                return
            }
            #expect(notification.payload == "after")
            running.cancel()
            try await running.value
            await pool.close()
        }
    }
}
