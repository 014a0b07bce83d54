import ArgumentParser
import Foundation
import Postgres
import Usage

/// `latchkey-bench usage`: the cost of the usage questions (SPEC §13) on 90 days of stored uses.
/// A scratch database gets 10,000 keys and their hourly rows in one server-side statement, then
/// each question of `UsageReport` is asked many times through a pool (prepared statements, as
/// the server asks them) and its p50/p99 reported next to the goal.
///
/// The world (the same every run: hashes and `setseed`): users own 10 keys each, users are spread
/// evenly over `--organisations` organisations (10 of 1,000 keys by default). Each key belongs to
/// one class, which says in what share of the 2,160 hours of the last 90 days it was used:
///
///   never 10% (no use) · stale 10% (5% of the hours, all older than 31 days) · light 50% (5%)
///   · regular 25% (30%) · busy 5% (every hour)
///
/// Every hour with a use has a `valid` row (1 + 200·r² uses, r uniform in [0, 1)) and, each drawn
/// on its own, `denied` (10% of those hours), `rate_limited` (3%), `ip_not_allowed` (1%),
/// `expired`, `revoked` and `blocked` (0.3% each). 5% of the keys are revoked; `last_used_at` is
/// the key's last valid hour, so the stale-keys question finds the never-used and stale ones.
struct UsageBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "90 days of hourly usage for 10,000 keys; p50/p99 of the usage questions (goals: one key ≤ 5 ms, an organisation ≤ 100 ms)."
    )

    @Option(help: "Keys in the world.") var keys = 10_000
    @Option(help: "Organisations the keys are spread over evenly.") var organisations = 10
    @Option(help: "Runs of each one-key question.") var keyRuns = 1_000
    @Option(help: "Runs of each organisation question.") var organisationRuns = 100
    @Flag(help: "Keep the database latchkey_bench_usage afterwards (for EXPLAIN ANALYZE).") var keep = false

    /// The key classes: the share of hours used, and how many keys in 20 belong to it.
    static let classes: [(name: String, share: Double, inTwenty: Int)] = [
        ("never", 0, 2), ("stale", 0.05, 2), ("light", 0.05, 10), ("regular", 0.30, 5), ("busy", 1.0, 1),
    ]

    func run() async throws {
        let scratch = try await ScratchDatabase("latchkey_bench_usage", statementTimeout: .seconds(1800))
        let pool = scratch.pool
        let users = (keys + 9) / 10

        let loadStart = ContinuousClock.now
        try await pool.execute("""
            INSERT INTO users (username, email, tier) SELECT 'u' || i, 'u' || i || '@example.com', 'team' FROM generate_series(1, \(users)) i
            """)
        try await pool.execute("""
            INSERT INTO organisations (slug, name, owner_id) SELECT 'o' || i, 'Organisation ' || i, i FROM generate_series(1, \(organisations)) i
            """)
        // Key k (from 0): user k / 10 + 1 (ten keys each), organisation (k / 10) % organisations + 1
        // (a user's keys are in their organisation), class and revocation by a hash of k (so
        // every organisation gets every class in about its share).
        var classCase = "CASE"
        var upTo = 0
        for kind in Self.classes {
            upTo += kind.inTwenty
            classCase += " WHEN abs(hashint4(k)) % 20 < \(upTo) THEN '\(kind.name)'"
        }
        classCase += " END"
        try await pool.execute(PGQuery(stringLiteral: """
            INSERT INTO api_keys (user_id, organisation_id, name, prefix, last4, hash, capabilities, created_at, revoked_at)
            SELECT k / 10 + 1, (k / 10) % \(organisations) + 1, \(classCase), 'ct_live_usage', lpad(k::text, 4, '0'),
                   sha256(convert_to('usage key ' || k, 'UTF8')), '{view}', now() - interval '120 days',
                   CASE WHEN abs(hashint4(k + 1000000)) % 20 = 0 THEN now() - interval '1 day' END
            FROM generate_series(0, \(keys - 1)) k
            """))
        // Partitions from the month 100 days ago on; then every row in one statement.
        _ = try await pool.query("SELECT key_usage_maintain(now() - interval '100 days', 4, NULL)")
        let shares = Self.classes.map { "WHEN '\($0.name)' THEN \($0.share)" }.joined(separator: " ")
        try await pool.withConnection { connection in
            _ = try await connection.query("SELECT setseed(0.13)")
            // A volatile draw is never pushed into a subquery: `draw` is one per (key, hour)
            // (a `random() < share` beside the join would be pushed to the keys' scan: one draw
            // per key), and the outer `random()` one per (key, hour, outcome).
            try await connection.execute(PGQuery(stringLiteral: """
                INSERT INTO key_usage (key_id, hour, outcome, count)
                SELECT id, hour, outcome, 1 + (scale * random() ^ 2)::int8 FROM (
                    SELECT id, hour,
                           unnest(ARRAY['valid', 'denied', 'rate_limited', 'ip_not_allowed', 'expired', 'revoked', 'blocked']) AS outcome,
                           unnest(ARRAY[1.0, 0.10, 0.03, 0.01, 0.003, 0.003, 0.003]) AS p,
                           unnest(ARRAY[200, 5, 50, 3, 2, 2, 2]) AS scale
                    FROM (
                        SELECT k.id, h.hour, k.share, random() AS draw
                        FROM (SELECT id, name, CASE name \(shares) END AS share FROM api_keys) k
                        CROSS JOIN generate_series(date_trunc('hour', now()) - interval '2159 hours', date_trunc('hour', now()), interval '1 hour') AS h(hour)
                        WHERE k.share > 0 AND (k.name <> 'stale' OR h.hour < now() - interval '31 days')
                    ) drawn
                    WHERE draw < share
                ) used
                WHERE random() < p
                """))
        }
        try await pool.execute("""
            UPDATE api_keys k SET last_used_at = (SELECT max(hour) + interval '30 minutes' FROM key_usage x WHERE x.key_id = k.id AND x.outcome = 'valid')
            """)
        try await pool.withConnection { try await $0.run(script: "VACUUM (ANALYZE)") }
        let loadSeconds = (ContinuousClock.now - loadStart).seconds

        let stats = try await pool.query("""
            SELECT count(*), count(*) FILTER (WHERE hour >= now() - interval '30 days'), count(DISTINCT key_id) FROM key_usage
            """)[0].decode((Int64, Int64, Int64).self)
        let partitions = try await pool.query("""
            SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'key_usage'::regclass ORDER BY 1
            """)
        var total: Int64 = 0
        for row in partitions { total += try row.decode(Int64.self, at: 1) }
        print("usage world: \(keys) keys of \(users) users in \(organisations) organisation(s) of \(keys / organisations) keys; classes by share of the 2,160 hours of 90 days:")
        print("  never 10% (none), stale 10% (5%, all > 31 days ago), light 50% (5%), regular 25% (30%), busy 5% (every hour);")
        let counts = try await pool.query("SELECT name, count(*), count(*) FILTER (WHERE revoked_at IS NOT NULL) FROM api_keys GROUP BY 1")
            .map { try $0.decode((String, Int64, Int64).self) }
        print("  keys per class: " + Self.classes.map { kind in
            let found = counts.first { $0.0 == kind.name }
            return "\(kind.name) \(found?.1 ?? 0)"
        }.joined(separator: ", ") + "; revoked \(counts.reduce(0) { $0 + $1.2 })")
        print("  each used hour: valid (1 + 200 r²), denied 10%, rate_limited 3%, ip_not_allowed 1%, expired/revoked/blocked 0.3% each; 5% of keys revoked")
        print(String(format: "key_usage: %d rows (%d in the last 30 days) for %d keys, %d partitions, %.0f MB with indexes; loaded in %.1f s",
                     stats.0, stats.1, stats.2, partitions.count, Double(total) / 1_048_576, loadSeconds))

        // The questions, each timed through UsageReport as the server asks it.
        let report = UsageReport(pool: pool)
        let keyRows = try await pool.query("SELECT id, name, user_id FROM api_keys ORDER BY id")
        var allKeys: [UUID] = [], busyKeys: [UUID] = [], keysOfUser: [Int64: [UUID]] = [:]
        for row in keyRows {
            let (id, kind, user) = try row.decode((UUID, String, Int64).self)
            allKeys.append(id)
            if kind == "busy" { busyKeys.append(id) }
            keysOfUser[user, default: []].append(id)
        }
        let organisationIDs = try await pool.query("SELECT id FROM organisations ORDER BY id").map { try $0.decode(Int64.self, at: 0) }
        var generator = SystemRandomNumberGenerator()
        let userKeys = Array(keysOfUser.values)

        func measure(_ label: String, goal: Double?, runs: Int, _ body: (Int) async throws -> Int) async throws {
            for run in 0..<min(runs, 20) { _ = try await body(run) }  // warm: connection, plans, cache
            var latencies: [Double] = []
            var rows = 0
            for run in 0..<runs {
                let start = ContinuousClock.now
                rows += try await body(run)
                latencies.append((ContinuousClock.now - start).seconds * 1e3)
            }
            latencies.sort()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            let verdict = goal.map { percentile(0.5) <= $0 ? String(format: "goal p50 ≤ %.0f ms: met", $0) : String(format: "goal p50 ≤ %.0f ms: MISSED", $0) } ?? ""
            print(label.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: " p50 %8.2f ms   p99 %8.2f ms   (%d runs, %.0f rows/answer)   %@",
                         percentile(0.5), percentile(0.99), runs, Double(rows) / Double(runs), verdict))
        }

        try await measure("series(key:) 30 days by day, any key", goal: 5, runs: keyRuns) { _ in
            try await report.series(key: allKeys.randomElement(using: &generator)!, .last(days: 30)).buckets.count
        }
        try await measure("series(key:) 30 days by day, busy key", goal: 5, runs: keyRuns) { _ in
            try await report.series(key: busyKeys.randomElement(using: &generator)!, .last(days: 30)).buckets.count
        }
        try await measure("series(key:) 7 days by hour, busy key", goal: nil, runs: keyRuns) { _ in
            try await report.series(key: busyKeys.randomElement(using: &generator)!, .last(days: 7, granularity: .hour)).buckets.count
        }
        try await measure("daily(keys:) 30 days, one user's 10 keys", goal: nil, runs: keyRuns) { _ in
            try await report.daily(keys: userKeys.randomElement(using: &generator)!, .last(days: 30)).count
        }
        try await measure("keys(organisation:) 30 days", goal: 100, runs: organisationRuns) { run in
            try await report.keys(organisation: organisationIDs[run % organisationIDs.count], .last(days: 30)).count
        }
        try await measure("keys(organisation:) 30 days, stale_days 30", goal: 100, runs: organisationRuns) { run in
            try await report.keys(organisation: organisationIDs[run % organisationIDs.count], .last(days: 30), staleDays: 30).count
        }
        try await measure("series(organisation:) 30 days by day", goal: 100, runs: organisationRuns) { run in
            try await report.series(organisation: organisationIDs[run % organisationIDs.count], .last(days: 30)).buckets.count
        }
        try await scratch.close(keeping: keep)
    }
}
