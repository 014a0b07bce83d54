import Foundation
import TestSupport
import Postgres
import Testing

@Suite("LISTEN / NOTIFY")
struct PGListenerTests {
    @Test func deliversAThousandNotificationsInOrder() async throws {
        try await TestDatabase.withFresh { configuration in
            try await Self.listening(configuration) { events, pool in
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
            }
        }
    }

    @Test func reconnectsAfterItsBackendIsTerminated() async throws {
        try await TestDatabase.withFresh { configuration in
            try await Self.listening(configuration) { events, pool in
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
            }
        }
    }

    /// A backend that stops answering without closing the connection (a half-open connection:
    /// the server host froze, or the network dropped) is noticed by the heartbeat, and the
    /// listener reconnects. Frozen here with SIGSTOP, which closes nothing — on a private
    /// cluster of its own, since a frozen backend stalls cluster-wide work (`CREATE DATABASE`)
    /// that other tests running meanwhile would wait on.
    @Test func noticesAHalfOpenConnectionAndReconnects() async throws {
        try await TestDatabase.withPrivateCluster("halfopen") { url, _ in
            let configuration = PGConfiguration(connectionString: url)
            try await Self.listening(configuration, heartbeat: .milliseconds(200)) { events, pool in
                // Several heartbeats on a healthy connection change nothing.
                try await Task.sleep(for: .milliseconds(900))
                try await pool.query("SELECT pg_notify('latchkey_test', 'healthy')")
                guard case .notification(let healthy) = await events.next() else {
                    Issue.record("expected the notification sent between heartbeats")
                    return
                }
                #expect(healthy.payload == "healthy")
                // The listener's backend: its last statement was LISTEN or a heartbeat.
                let rows = try await pool.query("""
                    SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN%' OR query = 'SELECT 1')
                    """)
                let pid = try #require(rows.first).decode(Int32.self, at: 0)
                #expect(kill(pid, SIGSTOP) == 0)
                let frozenAt = ContinuousClock.now
                let next = await events.next()
                #expect(next == .connected, "\(String(describing: next))")
                // Noticed by the heartbeat, not by TCP (whose keepalive would take hours); the bound
                // is loose because reconnecting under a loaded CI machine once took 5.9 s.
                #expect(ContinuousClock.now - frozenAt < .seconds(15))
                kill(pid, SIGCONT)
                try await pool.query("SELECT pg_terminate_backend(\(pid))")
                try await pool.query("SELECT pg_notify('latchkey_test', 'after')")
                guard case .notification(let notification) = await events.next() else {
                    Issue.record("expected a notification after reconnecting")
                    return
                }
                #expect(notification.payload == "after")
            }
        }
    }

    /// Runs `body` with the events of a listener on `latchkey_test` (its first `.connected`
    /// taken) and a pool beside it; the listener stops and the pool closes afterwards.
    static func listening(
        _ configuration: PGConfiguration, heartbeat: Duration = .seconds(10),
        _ body: (inout AsyncStream<PGListener.Event>.Iterator, PGPool) async throws -> Void
    ) async throws {
        let listener = PGListener(configuration: configuration, channels: ["latchkey_test"], heartbeat: heartbeat)
        let running = Task { try await listener.run() }
        var events = listener.events.makeAsyncIterator()
        #expect(await events.next() == .connected)
        try await PGPool.with(configuration) { pool in try await body(&events, pool) }
        listener.stop()
        try await running.value
    }
}
