import Foundation
import Logging
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle

/// Throttling counts for the whole deployment (SPEC §7): each instance counts locally and, in
/// the background, adds its new counts to `throttle_counts` and learns the totals of every
/// instance — one statement per flush, at most every `interval`. The hot path never waits on
/// the database: a request is judged on the last known total plus this instance's counts since.
/// Windows are aligned to the epoch, so every instance agrees on them. While PostgreSQL is
/// away the counts stay local (per process) and are added when it returns.
public final class SharedThrottleCounts: Service, Sendable {
    struct Key: Hashable {
        var policy: String
        var identity: ThrottleIdentity
        /// The window's end, in unix seconds.
        var windowEnd: Int64
    }

    private struct Entry {
        /// The deployment's total at the last flush (this instance's flushed counts included).
        var known = 0
        /// This instance's counts being added by the flush under way.
        var flushing = 0
        /// This instance's counts not yet added.
        var pending = 0

        var total: Int { known + flushing + pending }
    }

    private let pool: PGPool
    private let interval: Duration
    private let logger: Logger
    private let shards: [NIOLockedValueBox<[Key: Entry]>] = (0..<16).map { _ in NIOLockedValueBox([:]) }

    public init(pool: PGPool, interval: Duration = .milliseconds(5), logger: Logger = Logger(label: "latchkey.throttle")) {
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    /// Counts one request of `identity` under `policy` (a window of `seconds`) at `now`: the
    /// deployment's count in this window, this request included, and seconds until it resets.
    func hit(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date = Date()) -> (count: Int, resetSeconds: Int) {
        count(policy: policy, identity: identity, seconds: seconds, now: now, adding: 1)
    }

    /// The count so far, without counting.
    func peek(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date = Date()) -> (count: Int, resetSeconds: Int) {
        count(policy: policy, identity: identity, seconds: seconds, now: now, adding: 0)
    }

    private func count(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date, adding: Int) -> (count: Int, resetSeconds: Int) {
        let unix = Int64(now.timeIntervalSince1970)
        let length = Int64(max(1, seconds))
        let windowEnd = (unix / length + 1) * length
        let key = Key(policy: policy, identity: identity, windowEnd: windowEnd)
        let count = shard(key).withLockedValue { entries -> Int in
            if adding == 0 { return entries[key]?.total ?? 0 }
            var entry = entries[key] ?? Entry()
            entry.pending += adding
            entries[key] = entry
            return entry.total
        }
        return (count, Int(max(1, windowEnd - unix)))
    }

    private func shard(_ key: Key) -> NIOLockedValueBox<[Key: Entry]> {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }

    /// Flushes until shut down; then once more.
    public func run() async throws {
        var lastSweep = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await flush()
            if ContinuousClock.now - lastSweep > .seconds(60) {
                lastSweep = ContinuousClock.now
                _ = try? await pool.execute("DELETE FROM throttle_counts WHERE window_end < \(Int64(Date().timeIntervalSince1970) - 60)")
            }
        }
        await flush()
    }

    /// Adds every pending count in one statement and learns the totals; forgets past windows.
    public func flush() async {
        let now = Int64(Date().timeIntervalSince1970)
        var batch: [(Key, Int)] = []
        for shard in shards {
            shard.withLockedValue { entries in
                for (key, entry) in entries {
                    if entry.pending > 0 {
                        batch.append((key, entry.pending))
                        entries[key]?.flushing = entry.pending
                        entries[key]?.pending = 0
                    } else if key.windowEnd < now {
                        entries[key] = nil
                    }
                }
            }
        }
        guard !batch.isEmpty else { return }
        do {
            let rows = try await pool.query("""
                INSERT INTO throttle_counts AS t (policy, identity, window_end, count)
                SELECT * FROM unnest(\(batch.map(\.0.policy))::text[], \(batch.map { $0.0.identity.text })::text[],
                                     \(batch.map(\.0.windowEnd))::bigint[], \(batch.map { Int64($0.1) })::bigint[])
                ON CONFLICT (policy, identity, window_end) DO UPDATE SET count = t.count + EXCLUDED.count
                RETURNING policy, identity, window_end, count
                """)
            let keys = Dictionary(batch.map { ("\($0.0.policy) \($0.0.identity.text) \($0.0.windowEnd)", $0.0) }, uniquingKeysWith: { first, _ in first })
            for row in rows {
                let name = "\(try row.decode(String.self, at: 0)) \(try row.decode(String.self, at: 1)) \(try row.decode(Int64.self, at: 2))"
                guard let key = keys[name] else { continue }
                let total = Int(try row.decode(Int64.self, at: 3))
                shard(key).withLockedValue { entries in
                    entries[key, default: Entry()].known = total
                    entries[key]?.flushing = 0
                }
            }
        } catch {
            // Still counted here (pending), and added at the next flush that reaches the database.
            for (key, flushed) in batch {
                shard(key).withLockedValue { entries in
                    entries[key, default: Entry()].pending += flushed
                    entries[key]?.flushing = 0
                }
            }
            logger.debug("throttle counts stay local: the database is unavailable", metadata: ["error": "\(error)"])
        }
    }
}

extension ThrottleIdentity {
    /// The identity as stored: `key:<uuid>` or `ip:<address>`.
    var text: String {
        switch self {
        case .key(let id): "key:" + id.uuidString.lowercased()
        case .address(let address): "ip:" + address
        }
    }
}
