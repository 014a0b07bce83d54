import Foundation
import Logging
import Metrics
import Postgres
import ServiceLifecycle

/// Writes what a ``UsageCounter`` counted to PostgreSQL (SPEC §13), every `interval` and once
/// more on shutdown: one upsert adding the batch's counts to their rows (key, hour, outcome),
/// and one for the client addresses, in one transaction. A batch that cannot be written is given
/// back to the counter and written with the next, so no use is lost while the database is away.
///
/// It also keeps the monthly partitions: at start and every hour it creates this month's and the
/// next two, and drops those past `retentionDays` (``UsagePartitions``).
public struct UsageRecorder: Service {
    let counter: UsageCounter
    let pool: PGPool
    let interval: Duration
    let retentionDays: Int
    let logger: Logger
    /// A database away fails every flush: logged once per outage.
    let writeFailures: OutageLog

    private static let flushedRows = Counter(label: "latchkey_usage_flushed_rows_total")
    private static let flushLatency = Timer(label: "latchkey_usage_flush_seconds", preferredDisplayUnit: .seconds)
    private static let flushFailures = Counter(label: "latchkey_usage_flush_failures_total")

    /// The default retention of `LATCHKEY_USAGE_RETENTION_DAYS`.
    public static let defaultRetentionDays = 90

    public init(counter: UsageCounter, pool: PGPool, interval: Duration = .seconds(2), retentionDays: Int = Self.defaultRetentionDays,
                logger: Logger = Logger(label: "latchkey.usage")) {
        self.counter = counter
        self.pool = pool
        self.interval = interval
        self.retentionDays = retentionDays
        self.logger = logger
        self.writeFailures = OutageLog("could not record key usage; kept for the next flush", logger: logger)
    }

    public func run() async throws {
        var maintained = ContinuousClock.now
        await maintainPartitions()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            if ContinuousClock.now - maintained >= .seconds(3600) {
                maintained = ContinuousClock.now
                await maintainPartitions()
            }
            await flush()
        }
        await flush()
    }

    /// Creates the partitions ahead and drops those past retention; a failure is logged and
    /// tried again within the hour.
    func maintainPartitions() async {
        do {
            try await UsagePartitions.maintain(pool: pool, retentionDays: retentionDays)
        } catch {
            logger.warning("could not maintain the usage partitions", metadata: ["error": "\(error)"])
        }
    }

    /// Writes everything counted so far; on failure gives it back to the counter.
    public func flush() async {
        let batch = counter.take()
        guard !batch.isEmpty else { return }
        let started = DispatchTime.now()
        do {
            let rows = try await Self.write(batch, to: pool)
            Self.flushedRows.increment(by: rows)
            Self.flushLatency.recordInterval(since: started)
            writeFailures.succeeded()
        } catch {
            counter.restore(batch)
            Self.flushFailures.increment()
            writeFailures.failed(error, metadata: ["rows": "\(batch.counts.count)"])
        }
    }

    /// Adds `batch` to the stored usage; returns the rows of counts written. Keys deleted since
    /// they were counted are skipped.
    static func write(_ batch: UsageCounter.Batch, to pool: PGPool) async throws -> Int {
        var keys: [UUID] = [], hours: [Int64] = [], outcomes: [String] = [], counts: [Int64] = []
        for (slot, slotCounts) in batch.counts {
            for outcome in UsageOutcome.allCases where slotCounts[outcome] > 0 {
                keys.append(slot.key)
                hours.append(slot.hour)
                outcomes.append(outcome.name)
                counts.append(slotCounts[outcome])
            }
        }
        var addressKeys: [UUID] = [], addresses: [String] = [], seen: [Int64] = []
        for (key, recent) in batch.addresses {
            for (address, time) in recent {
                addressKeys.append(key)
                addresses.append(address)
                seen.append(Int64((time.timeIntervalSince1970 * 1000).rounded(.down)))
            }
        }
        try await pool.withTransaction { connection in
            if !keys.isEmpty {
                try await connection.execute("""
                    INSERT INTO key_usage (key_id, hour, outcome, count)
                    SELECT u.key_id, to_timestamp(u.hour), u.outcome, u.count
                    FROM unnest(\(keys)::uuid[], \(hours)::int8[], \(outcomes)::text[], \(counts)::int8[]) AS u(key_id, hour, outcome, count)
                    WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = u.key_id)
                    ON CONFLICT (key_id, hour, outcome) DO UPDATE SET count = key_usage.count + EXCLUDED.count
                    """)
            }
            guard !addressKeys.isEmpty else { return }
            try await connection.execute("""
                INSERT INTO key_usage_addresses (key_id, ip, last_seen)
                SELECT u.key_id, u.ip, to_timestamp(u.ms / 1000.0)
                FROM unnest(\(addressKeys)::uuid[], \(addresses)::text[], \(seen)::int8[]) AS u(key_id, ip, ms)
                WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = u.key_id)
                ON CONFLICT (key_id, ip) DO UPDATE SET last_seen = greatest(key_usage_addresses.last_seen, EXCLUDED.last_seen)
                """)
            // Keep each key's ten latest.
            try await connection.execute("""
                DELETE FROM key_usage_addresses a USING (
                    SELECT key_id, ip, row_number() OVER (PARTITION BY key_id ORDER BY last_seen DESC, ip) AS position
                    FROM key_usage_addresses WHERE key_id = ANY(\(Array(batch.addresses.keys)))
                ) ranked
                WHERE a.key_id = ranked.key_id AND a.ip = ranked.ip AND ranked.position > \(UsageCounter.recentAddresses)
                """)
        }
        return keys.count
    }
}

/// The monthly partitions of `key_usage` (SPEC §13), kept by `key_usage_maintain` (migration
/// `0020`): this month's and the next two exist; months that ended more than the retention
/// before now are dropped whole.
public enum UsagePartitions {
    /// How many months after the current one have partitions ready.
    public static let monthsAhead = 2

    /// Creates the partitions from the month of `now` to ``monthsAhead`` after it, and drops
    /// those whose month ended more than `retentionDays` before `now`.
    public static func maintain(pool: PGPool, retentionDays: Int, now: Date = Date()) async throws {
        try await pool.execute("SELECT key_usage_maintain(\(now), \(monthsAhead)::int4, \(retentionDays)::int4)")
    }

    /// The months that have a partition, as `YYYY_MM`, oldest first.
    public static func months(pool: PGPool) async throws -> [String] {
        let rows = try await pool.query("""
            SELECT substr(c.relname, 11) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'key_usage'::regclass ORDER BY 1
            """)
        return try rows.map { try $0.decode(String.self, at: 0) }
    }
}
