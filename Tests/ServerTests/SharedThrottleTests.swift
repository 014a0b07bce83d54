import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
@testable import Server
import ServerTestSupport
import Testing

/// Limits for the whole deployment (SPEC §7): two instances behind a balancer, each of which
/// alone allows the limit, together allow it once — within 10% — because their counts are
/// shared through PostgreSQL in the background. Without the shared counts they allow it twice.
@Suite(.serialized) struct SharedThrottleTests {
    static let limit = 200

    /// Requests alternating between the two instances, a client sending one every 2 ms, until
    /// three in a row are refused; how many were allowed.
    static func allowed(shared: Bool) async throws -> Int {
        let allowed = Tally()
        try await ServerWorld.twoInstances { a, b in
            let alice = try await a.user("alice")
            let key = try await a.key(for: alice)
            let counts = shared ? [SharedThrottleCounts(pool: a.pool), SharedThrottleCounts(pool: b.pool)] : []
            let flushing = counts.map { counts in Task { try await counts.run() } }
            defer { for task in flushing { task.cancel() } }
            let settings = ThrottleSettings(enabled: true, user: ThrottleRate(limit: limit, seconds: 3600))
            let count = try await a.client(settings: APISettings(throttle: settings), shared: APIDependencies(throttleCounts: counts.first)) { first in
                try await b.client(settings: APISettings(throttle: settings), shared: APIDependencies(throttleCounts: counts.last)) { second in
                    var allowed = 0, refusedInARow = 0, sent = 0
                    while refusedInARow < 3, sent < 3 * limit {
                        let reply = try await (sent % 2 == 0 ? first : second).send("/api/surveys/", key: key)
                        sent += 1
                        if reply.status == .ok {
                            allowed += 1
                            refusedInARow = 0
                        } else {
                            #expect(reply.status == .tooManyRequests)
                            refusedInARow += 1
                        }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    return allowed
                }
            }
            await allowed.set(count)
            if shared {
                let stored = try await a.pool.query("SELECT sum(count)::bigint FROM throttle_counts WHERE policy = 'user'")[0].decode(Int64.self, at: 0)
                #expect(stored >= Int64(count), "every instance's counts reached PostgreSQL")
            }
        }
        return await allowed.value
    }

    actor Tally {
        var value = 0
        func set(_ value: Int) { self.value = value }
    }

    @Test func twoInstancesAllowTheLimitOnceWithinTenPercent() async throws {
        let shared = try await Self.allowed(shared: true)
        print("shared throttle: two instances allowed \(shared) of a limit of \(Self.limit)")
        #expect(shared >= Self.limit && Double(shared) <= Double(Self.limit) * 1.1, "\(shared)")
        let separate = try await Self.allowed(shared: false)
        #expect(separate == 2 * Self.limit, "each instance alone allows the limit")
    }

    /// Any window, deployment-wide (issue #34): an instance that saw none of a client's
    /// requests in the previous window still weighs them, learned in its first flush — so a
    /// client that spent its allowance on one instance at the end of a minute does not get it
    /// again from another at the start of the next.
    @Test func theSharedCountsWeighThePreviousWindowOfEveryInstance() async throws {
        try await ServerWorld.with { world in
            let a = SharedThrottleCounts(pool: world.pool), b = SharedThrottleCounts(pool: world.pool)
            let rate = ThrottleRate(limit: 60, seconds: 60)
            let onA = RateLimiter(rate: rate, name: "anonymous", shared: a), onB = RateLimiter(rate: rate, name: "anonymous", shared: b)
            let client = ThrottleIdentity.address("198.51.100.9")
            let second: UInt64 = 1_000_000_000, tick: UInt64 = 10_000_000
            // A minute boundary a few minutes ahead (windows are aligned to the epoch).
            let boundary = (UInt64(Date().timeIntervalSince1970) / 60 + 5) * 60 * second
            let spent = (0..<80).filter { onA.hit(client, now: boundary - second + UInt64($0) * tick).allowed }.count
            #expect(spent == 60)
            await a.flush()
            var across = 0
            for step in 0..<200 {
                if onB.hit(client, now: boundary + UInt64(step) * tick).allowed { across += 1 }
                if step % 10 == 0 { await b.flush() }  // its background flush
            }
            #expect(across <= 6, "\(across) allowed in the two seconds after the boundary")
            await b.flush()
            let stored = try await world.pool.query("SELECT sum(count)::bigint FROM throttle_counts WHERE identity = 'ip:198.51.100.9'")[0].decode(Int64.self, at: 0)
            #expect(stored == Int64(60 + across), "refusals are not counted")
        }
    }

    /// While PostgreSQL is away the counts stay local, and reach it when it is back.
    @Test func countsStayLocalWhileTheDatabaseIsAway() async throws {
        try await ServerWorld.with { world in
            let counts = SharedThrottleCounts(pool: world.pool)
            let identity = ThrottleIdentity.address("198.51.100.7")
            for _ in 0..<5 { _ = counts.hit(policy: "anonymous", identity: identity, seconds: 3600) }
            try await world.pool.execute("ALTER TABLE throttle_counts RENAME TO throttle_counts_away")
            await counts.flush()
            #expect(counts.peek(policy: "anonymous", identity: identity, seconds: 3600).count == 5)
            #expect(counts.hit(policy: "anonymous", identity: identity, seconds: 3600).count == 6)
            try await world.pool.execute("ALTER TABLE throttle_counts_away RENAME TO throttle_counts")
            await counts.flush()
            let stored = try await world.pool.query("SELECT count FROM throttle_counts WHERE identity = 'ip:198.51.100.7'")[0].decode(Int64.self, at: 0)
            #expect(stored == 6)
            #expect(counts.peek(policy: "anonymous", identity: identity, seconds: 3600).count == 6)
        }
    }
}
