import ArgumentParser
import Foundation
import Postgres
import Vault

/// `latchkey-bench scale`: a world of a million keys and a hundred thousand organisations,
/// loaded server-side in a few statements, then uncached key verification (each sample key
/// verified once by a cold vault: the full PostgreSQL path) with its percentiles. Leaves the
/// database `latchkey_bench_scale` for `deploy/bench-scale.sh` to serve the list from.
struct ScaleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Load 1,000,000 keys and 100,000 organisations; uncached verify p50/p99 (goal p99 ≤ 2 ms)."
    )

    @Option(help: "Keys in the world.") var keys = 1_000_000
    @Option(help: "Organisations in the world.") var organisations = 100_000
    @Option(help: "Users in the world (each a member of one organisation).") var users = 200_000
    @Option(help: "Real keys verified (uncached), among the others.") var sample = 5_000

    func run() async throws {
        let scratch = try await ScratchDatabase("latchkey_bench_scale", statementTimeout: .seconds(900))
        let pool = scratch.pool

        // Server-side bulk loads: one statement per table, no round trip per row.
        let loadStart = ContinuousClock.now
        try await pool.execute("""
            INSERT INTO users (username, email, tier) SELECT 'u' || i, 'u' || i || '@example.com', 'team' FROM generate_series(1, \(users)) i
            """)
        try await pool.execute("""
            INSERT INTO organisations (slug, name, owner_id) SELECT 'o' || i, 'Organisation ' || i, i FROM generate_series(1, \(organisations)) i
            """)
        try await pool.execute("""
            INSERT INTO organisation_memberships (organisation_id, user_id, role)
            SELECT (i - 1) % \(organisations) + 1, i, 'creator' FROM generate_series(1, \(users)) i
            """)
        try await pool.execute("""
            INSERT INTO api_keys (user_id, organisation_id, name, prefix, last4, hash, capabilities)
            SELECT i % \(users) + 1, (i % \(users)) % \(organisations) + 1, 'bulk', 'ct_live_bulk', 'bulk',
                   sha256(convert_to('bulk key ' || i, 'UTF8')), '{view}'
            FROM generate_series(1, \(keys - sample)) i
            """)
        var secrets: [String] = []
        var rows: (users: [Int64], organisations: [Int64], prefixes: [String], last4s: [String], hashes: [Data]) = ([], [], [], [], [])
        for index in 0..<sample {
            let key = try KeyFormat.generate(.live)
            secrets.append(key.secret)
            let user = Int64(index * 37 % users + 1)
            rows.users.append(user)
            rows.organisations.append((user - 1) % Int64(organisations) + 1)
            rows.prefixes.append(key.prefix)
            rows.last4s.append(key.last4)
            rows.hashes.append(Data(key.digest.bytes))
        }
        try await pool.execute("""
            INSERT INTO api_keys (user_id, organisation_id, name, prefix, last4, hash, capabilities)
            SELECT u, o, 'sample', p, l, h, '{view}'
            FROM unnest(\(rows.users)::bigint[], \(rows.organisations)::bigint[], \(rows.prefixes)::text[], \(rows.last4s)::text[], \(rows.hashes)::bytea[]) AS t(u, o, p, l, h)
            """)
        try await pool.withConnection { try await $0.run(script: "ANALYZE") }
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let count = try await pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)

        // Uncached: a cold vault verifies each sample key once, in a random order.
        let vault = Vault(pool: pool)
        for secret in secrets.prefix(200) { _ = try await vault.verify(secret) }  // warm the connections
        vault.flushCache()
        var latencies: [Double] = []
        latencies.reserveCapacity(sample)
        for secret in secrets.shuffled() {
            let start = ContinuousClock.now
            let result = try await vault.verify(secret)
            latencies.append((ContinuousClock.now - start).seconds * 1e3)
            precondition(result.isValid, "a sample key did not verify: \(result.status)")
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(String(format: "scale world: %d keys, %d organisations, %d users loaded in %.1f s", count, organisations, users, loadSeconds))
        print(String(format: "uncached verify at scale: p50 %.3f ms   p99 %.3f ms   max %.3f ms   (%d keys; goal p99 ≤ 2 ms)",
                     percentile(0.5), percentile(0.99), latencies.last ?? 0, latencies.count))
        try await scratch.close(keeping: true)  // deploy/bench-scale.sh serves the list from it
    }
}
