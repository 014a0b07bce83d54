import Foundation
import Postgres

/// The size of a usage series' buckets.
public enum UsageGranularity: String, Sendable, CaseIterable {
    case hour, day

    var seconds: Int64 { self == .hour ? 3600 : 86_400 }
}

/// The time a usage question is about: uses in hours starting from `since` (truncated to its
/// hour) and before `until`, in buckets of `granularity` (UTC).
public struct UsageRange: Sendable, Hashable {
    public var since: Date
    public var until: Date
    public var granularity: UsageGranularity

    public init(since: Date, until: Date, granularity: UsageGranularity = .day) {
        self.since = since
        self.until = until
        self.granularity = granularity
    }

    /// The `days` days before `now` (the default of every usage question: 30, by day).
    public static func last(days: Int = 30, before now: Date = Date(), granularity: UsageGranularity = .day) -> UsageRange {
        UsageRange(since: now.addingTimeInterval(-Double(days) * 86_400), until: now, granularity: granularity)
    }

    /// The first hour the range covers and the first it does not, in Unix seconds.
    var hours: (first: Int64, end: Int64) {
        let since = Int64(since.timeIntervalSince1970.rounded(.down))
        return (since - since % 3600, Int64(until.timeIntervalSince1970.rounded(.up)))
    }

    /// The start of every bucket the range touches, oldest first (for charts that show empty
    /// buckets too).
    public var bucketStarts: [Date] {
        let (first, end) = hours
        let step = granularity.seconds
        return stride(from: first - first % step, to: end, by: Int(step)).map { Date(timeIntervalSince1970: Double($0)) }
    }
}

/// One bucket of a usage series: its start and the uses in it by outcome.
public struct UsageBucket: Sendable, Hashable {
    public var start: Date
    public var counts: UsageCounts
}

/// Uses over a range: the buckets with any use (oldest first) and their totals.
public struct UsageSeries: Sendable, Hashable {
    public var buckets: [UsageBucket]
    public var totals: UsageCounts

    /// The counts of the bucket starting at `start`, zero when it had no use.
    public func counts(at start: Date) -> UsageCounts {
        buckets.first { $0.start == start }?.counts ?? UsageCounts()
    }
}

/// A client address a key was recently used from.
public struct RecentAddress: Sendable, Hashable {
    public var ip: String
    public var lastSeen: Date
}

/// One key's use over a range, for an organisation's summary.
public struct KeyUsageSummary: Sendable, Hashable {
    public var keyID: UUID
    public var name: String
    public var prefix: String
    public var username: String
    public var valid: Int64
    public var refused: Int64
    public var lastUsedAt: Date?
    public var revoked: Bool
}

/// The questions asked of stored usage (SPEC §13). Whoever asks has already been judged: these
/// read what they are told to, by key or organisation.
public struct UsageReport: Sendable {
    let pool: PGPool

    public init(pool: PGPool) {
        self.pool = pool
    }

    /// The uses of key `keyID` over `range`.
    public func series(key keyID: UUID, _ range: UsageRange) async throws -> UsageSeries {
        let (first, end) = range.hours
        return try await series(from: """
            SELECT extract(epoch FROM date_trunc(\(range.granularity.rawValue), x.hour AT TIME ZONE 'UTC'))::int8, x.outcome, sum(x.count)::int8
            FROM key_usage x WHERE x.key_id = \(keyID) AND x.hour >= to_timestamp(\(first)) AND x.hour < to_timestamp(\(end))
            GROUP BY 1, 2 ORDER BY 1
            """)
    }

    /// The uses of every key issued in organisation `organisationID` over `range`.
    ///
    /// By hour first, then by bucket: an organisation's keys share their hours (30 days of 1,000
    /// keys: some 120,000 rows but 720 hours × 5 outcomes), so the bucket's `date_trunc` and
    /// numeric `extract` run once per hour rather than once per row. Planned each time: the
    /// generic plan PostgreSQL keeps for a prepared statement cannot know how many rows the
    /// range holds, guesses a few thousand and sorts them, a sort that spills to disk at this
    /// size; planned with the range, it hashes (docs/DECISIONS.md "Usage: measured cost").
    public func series(organisation organisationID: Int64, _ range: UsageRange) async throws -> UsageSeries {
        let (first, end) = range.hours
        let query: PGQuery = """
            SELECT extract(epoch FROM date_trunc(\(range.granularity.rawValue), hour AT TIME ZONE 'UTC'))::int8, outcome, sum(uses)::int8
            FROM (SELECT x.hour, x.outcome, sum(x.count) AS uses
                  FROM key_usage x JOIN api_keys k ON k.id = x.key_id
                  WHERE k.organisation_id = \(organisationID) AND x.hour >= to_timestamp(\(first)) AND x.hour < to_timestamp(\(end))
                  GROUP BY 1, 2) hourly
            GROUP BY 1, 2 ORDER BY 1
            """
        return try await series(from: query.plannedEachTime)
    }

    /// The series of `query`'s rows: bucket start (Unix seconds), outcome, uses; by start.
    private func series(from query: PGQuery) async throws -> UsageSeries {
        let rows = try await pool.query(query)
        var buckets: [UsageBucket] = []
        var totals = UsageCounts()
        for row in rows {
            let (start, name, count) = try row.decode((Int64, String, Int64).self)
            guard let outcome = UsageOutcome(name: name) else { continue }
            let date = Date(timeIntervalSince1970: Double(start))
            if buckets.last?.start != date { buckets.append(UsageBucket(start: date, counts: UsageCounts())) }
            buckets[buckets.count - 1].counts[outcome] += count
            totals[outcome] += count
        }
        return UsageSeries(buckets: buckets, totals: totals)
    }

    /// The latest distinct client addresses key `keyID` was used from, latest first.
    public func addresses(key keyID: UUID) async throws -> [RecentAddress] {
        let rows = try await pool.query("""
            SELECT ip, last_seen FROM key_usage_addresses WHERE key_id = \(keyID)
            ORDER BY last_seen DESC, ip LIMIT \(UsageCounter.recentAddresses)
            """)
        return try rows.map { row in
            let (ip, lastSeen) = try row.decode((String, Date).self)
            return RecentAddress(ip: ip, lastSeen: lastSeen)
        }
    }

    /// The keys issued in organisation `organisationID` with their uses over `range`, most used
    /// first. With `staleDays`, only active keys (not revoked, not expired) with no valid use
    /// for that many days (counting from their creation when never used).
    public func keys(organisation organisationID: Int64, _ range: UsageRange, staleDays: Int? = nil, now: Date = Date()) async throws -> [KeyUsageSummary] {
        let (first, end) = range.hours
        var filter: PGQuery = "k.organisation_id = \(organisationID)"
        if let staleDays {
            let cutoff = now.addingTimeInterval(-Double(staleDays) * 86_400)
            filter = filter + """
                 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > \(now))
                 AND coalesce(k.last_used_at, k.created_at) < \(cutoff)
                """
        }
        // Each key's sums in a lateral subquery, over its own stretch of the index, rather than
        // a join grouped afterwards, which sorted every row of the range (some 120,000 for 1,000
        // keys over 30 days) by key first (docs/DECISIONS.md "Usage: measured cost").
        let rows = try await pool.query("""
            SELECT k.id, k.name, k.prefix, u.username, k.last_used_at, k.revoked_at IS NOT NULL,
                   coalesce(x.valid, 0)::int8, coalesce(x.refused, 0)::int8
            FROM api_keys k JOIN users u ON u.id = k.user_id
            CROSS JOIN LATERAL (
                SELECT sum(x.count) FILTER (WHERE x.outcome = 'valid') AS valid,
                       sum(x.count) FILTER (WHERE x.outcome <> 'valid') AS refused, sum(x.count) AS total
                FROM key_usage x WHERE x.key_id = k.id AND x.hour >= to_timestamp(\(first)) AND x.hour < to_timestamp(\(end))
            ) x
            WHERE \(filter)
            ORDER BY coalesce(x.total, 0) DESC, k.created_at DESC, k.id
            """)
        return try rows.map { row in
            let (id, name, prefix, username, lastUsedAt, revoked, valid, refused) =
                try row.decode((UUID, String, String, String, Date?, Bool, Int64, Int64).self)
            return KeyUsageSummary(keyID: id, name: name, prefix: prefix, username: username, valid: valid, refused: refused,
                                   lastUsedAt: lastUsedAt, revoked: revoked)
        }
    }

    /// Each of `keys`' uses per day over `range` (every outcome), oldest day first, one count
    /// per bucket of ``UsageRange/bucketStarts``: the sparklines of a key list.
    public func daily(keys: [UUID], _ range: UsageRange) async throws -> [UUID: [Int64]] {
        guard !keys.isEmpty else { return [:] }
        let (first, end) = range.hours
        let starts = UsageRange(since: range.since, until: range.until, granularity: .day).bucketStarts
        let position = Dictionary(uniqueKeysWithValues: starts.enumerated().map { (Int64($0.element.timeIntervalSince1970), $0.offset) })
        let rows = try await pool.query("""
            SELECT x.key_id, extract(epoch FROM date_trunc('day', x.hour AT TIME ZONE 'UTC'))::int8, sum(x.count)::int8
            FROM key_usage x WHERE x.key_id = ANY(\(keys)) AND x.hour >= to_timestamp(\(first)) AND x.hour < to_timestamp(\(end))
            GROUP BY 1, 2
            """)
        var result = Dictionary(uniqueKeysWithValues: keys.map { ($0, [Int64](repeating: 0, count: starts.count)) })
        for row in rows {
            let (key, day, count) = try row.decode((UUID, Int64, Int64).self)
            if let index = position[day] { result[key]?[index] += count }
        }
        return result
    }
}
