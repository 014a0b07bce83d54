import Foundation
import Logging
import NIOConcurrencyHelpers
import Postgres
import ServiceLifecycle

/// Throttling counts for the whole deployment (SPEC §7): each instance counts locally and, in
/// the background, adds its new counts to `throttle_counts` and learns the totals of every
/// instance — one statement per flush, at most every `interval`. The hot path never waits on
/// the database: a request is judged on the last known totals plus this instance's counts since.
///
/// Windows are aligned to the epoch, so every instance agrees on them, and a limit holds over
/// any window of its length (``SlidingWindow``): the judgement weighs the previous window's
/// deployment total, which each flush learns beside the current one's, so an instance that saw
/// none of an identity's earlier requests still counts them. While PostgreSQL is away the
/// counts stay local (per process) and are added when it returns.
public final class SharedThrottleCounts: Service, Sendable {
    struct Key: Hashable {
        var policy: String
        var identity: ThrottleIdentity
    }

    /// One window's counts.
    struct Slot {
        /// The window's end, in Unix seconds.
        var windowEnd: Int64
        /// The deployment's total at the last flush (this instance's flushed counts included).
        var known = 0
        /// This instance's counts being added by the flush under way.
        var flushing = 0
        /// This instance's counts not yet added.
        var pending = 0

        var total: Int { known + flushing + pending }
    }

    /// One identity's current window and the one before it.
    struct Windows {
        /// The windows' length, in seconds.
        var seconds: Int64
        var current: Slot
        var previous: Slot?

        /// Moves on to the window ending at `windowEnd`: the current window becomes the
        /// previous one if it is the window just before; anything older is forgotten.
        mutating func advance(to windowEnd: Int64) {
            guard current.windowEnd < windowEnd else { return }
            let before = windowEnd - seconds
            previous = [current, previous].compactMap { $0 }.first { $0.windowEnd == before }
            current = Slot(windowEnd: windowEnd)
        }

        /// The previous window's total as seen from the window ending at `windowEnd`.
        func previousTotal(before windowEnd: Int64) -> Int {
            guard let previous, previous.windowEnd == windowEnd - seconds else { return 0 }
            return previous.total
        }

        /// Whether nothing here matters any more at `now` (Unix seconds): the current window is
        /// over for longer than a window, and nothing waits to be flushed.
        func isSpent(at now: Int64) -> Bool {
            current.windowEnd + seconds <= now && current.flushing == 0 && current.pending == 0
                && (previous.map { $0.flushing == 0 && $0.pending == 0 } ?? true)
        }
    }

    /// Whether a judgement counts the request.
    enum Counting {
        case no, ifAllowed, always
    }

    private let pool: PGPool
    private let interval: Duration
    private let logger: Logger
    private let shards: [NIOLockedValueBox<[Key: Windows]>] = (0..<16).map { _ in NIOLockedValueBox([:]) }

    public init(pool: PGPool, interval: Duration = .milliseconds(5), logger: Logger = Logger(label: "latchkey.throttle")) {
        self.pool = pool
        self.interval = interval
        self.logger = logger
    }

    /// The present in nanoseconds since the Unix epoch: the clock of shared windows.
    static func now() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970) * 1e9)
    }

    /// Judges one request of `identity` under `policy` at `now` (Unix nanoseconds) by the
    /// deployment's counts, counting it as `counting` says.
    func judge(policy: String, identity: ThrottleIdentity, window: SlidingWindow, now: UInt64, counting: Counting) -> RateLimiter.Outcome {
        count(policy: policy, identity: identity, window: window, now: now, counting: counting).outcome
    }

    /// Counts one request of `identity` under `policy` (windows of `seconds`) at `now`, whatever
    /// any limit says: the deployment's count in the current window, this request included, and
    /// seconds until that window ends.
    func hit(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date = Date()) -> (count: Int, resetSeconds: Int) {
        counted(policy: policy, identity: identity, seconds: seconds, now: now, counting: .always)
    }

    /// The count in the current window so far, without counting.
    func peek(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date = Date()) -> (count: Int, resetSeconds: Int) {
        counted(policy: policy, identity: identity, seconds: seconds, now: now, counting: .no)
    }

    private func counted(policy: String, identity: ThrottleIdentity, seconds: Int, now: Date, counting: Counting) -> (count: Int, resetSeconds: Int) {
        let window = SlidingWindow(ThrottleRate(limit: 1_000_000_000, seconds: seconds))
        let nanoseconds = UInt64(max(0, now.timeIntervalSince1970) * 1e9)
        let current = count(policy: policy, identity: identity, window: window, now: nanoseconds, counting: counting).current
        return (current, SlidingWindow.seconds(window.length - nanoseconds % window.length))
    }

    private func count(
        policy: String, identity: ThrottleIdentity, window: SlidingWindow, now: UInt64, counting: Counting
    ) -> (outcome: RateLimiter.Outcome, current: Int) {
        let seconds = Int64(window.length / 1_000_000_000)
        let index = now / window.length
        let windowEnd = Int64(index + 1) * seconds
        let elapsed = now - index * window.length
        let key = Key(policy: policy, identity: identity)
        return shard(key).withLockedValue { entries in
            var windows = entries[key].flatMap { $0.seconds == seconds ? $0 : nil } ?? Windows(seconds: seconds, current: Slot(windowEnd: windowEnd))
            windows.advance(to: windowEnd)
            let outcome = window.judge(previous: windows.previousTotal(before: windowEnd), current: windows.current.total, elapsed: elapsed)
            switch counting {
            case .no: break
            case .ifAllowed: if outcome.allowed { windows.current.pending += 1 }
            case .always: windows.current.pending += 1
            }
            if counting != .no || entries[key] != nil { entries[key] = windows }
            return (outcome, windows.current.total)
        }
    }

    private func shard(_ key: Key) -> NIOLockedValueBox<[Key: Windows]> {
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
                // A window's row is kept while it is still some identity's previous window.
                _ = try? await pool.execute("DELETE FROM throttle_counts WHERE window_end + seconds < \(Int64(Date().timeIntervalSince1970))")
            }
        }
        await flush()
    }

    /// One window's pending count on its way to PostgreSQL.
    private struct Flushed {
        var key: Key
        var windowEnd: Int64
        var seconds: Int64
        var count: Int
    }

    /// Adds every pending count in one statement and learns the totals of those windows and of
    /// the windows before them; forgets identities whose counts no longer matter.
    public func flush() async {
        let now = Int64(Date().timeIntervalSince1970)
        var batch: [Flushed] = []
        for shard in shards {
            shard.withLockedValue { entries in
                for (key, windows) in entries {
                    if windows.isSpent(at: now) {
                        entries[key] = nil
                        continue
                    }
                    var windows = windows
                    if windows.current.pending > 0 {
                        batch.append(Flushed(key: key, windowEnd: windows.current.windowEnd, seconds: windows.seconds, count: windows.current.pending))
                        windows.current.flushing = windows.current.pending
                        windows.current.pending = 0
                    }
                    if var previous = windows.previous, previous.pending > 0 {
                        batch.append(Flushed(key: key, windowEnd: previous.windowEnd, seconds: windows.seconds, count: previous.pending))
                        previous.flushing = previous.pending
                        previous.pending = 0
                        windows.previous = previous
                    }
                    entries[key] = windows
                }
            }
        }
        guard !batch.isEmpty else { return }
        do {
            let rows = try await pool.query("""
                WITH batch AS (
                    SELECT * FROM unnest(\(batch.map(\.key.policy))::text[], \(batch.map { $0.key.identity.text })::text[],
                                         \(batch.map(\.windowEnd))::bigint[], \(batch.map { Int64($0.count) })::bigint[],
                                         \(batch.map(\.seconds))::bigint[]) AS b(policy, identity, window_end, count, seconds)),
                added AS (
                    INSERT INTO throttle_counts AS t (policy, identity, window_end, count, seconds)
                    SELECT policy, identity, window_end, count, seconds FROM batch
                    ON CONFLICT (policy, identity, window_end) DO UPDATE SET count = t.count + EXCLUDED.count
                    RETURNING t.policy, t.identity, t.window_end, t.count, t.seconds)
                SELECT a.policy, a.identity, a.window_end, a.count, p.count
                FROM added a LEFT JOIN throttle_counts p
                  ON p.policy = a.policy AND p.identity = a.identity AND p.window_end = a.window_end - a.seconds
                """)
            let keys = Dictionary(batch.map { ("\($0.key.policy) \($0.key.identity.text)", $0.key) }, uniquingKeysWith: { first, _ in first })
            for row in rows {
                guard let key = keys["\(try row.decode(String.self, at: 0)) \(try row.decode(String.self, at: 1))"] else { continue }
                let windowEnd = try row.decode(Int64.self, at: 2)
                let total = Int(try row.decode(Int64.self, at: 3))
                let previousTotal = try row.decode(Int64?.self, at: 4).map(Int.init)
                shard(key).withLockedValue { entries in
                    guard var windows = entries[key] else { return }
                    if windows.current.windowEnd == windowEnd {
                        windows.current.known = total
                        windows.current.flushing = 0
                        if let previousTotal {
                            let before = windowEnd - windows.seconds
                            var previous = windows.previous.flatMap { $0.windowEnd == before ? $0 : nil } ?? Slot(windowEnd: before)
                            previous.known = max(previous.known, previousTotal)
                            windows.previous = previous
                        }
                    } else if windows.previous?.windowEnd == windowEnd {
                        windows.previous?.known = total
                        windows.previous?.flushing = 0
                    }
                    entries[key] = windows
                }
            }
        } catch {
            // Still counted here (pending), and added at the next flush that reaches the database.
            for flushed in batch {
                shard(flushed.key).withLockedValue { entries in
                    guard var windows = entries[flushed.key] else { return }
                    if windows.current.windowEnd == flushed.windowEnd {
                        windows.current.pending += flushed.count
                        windows.current.flushing = 0
                    } else if windows.previous?.windowEnd == flushed.windowEnd {
                        windows.previous?.pending += flushed.count
                        windows.previous?.flushing = 0
                    }
                    entries[flushed.key] = windows
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
