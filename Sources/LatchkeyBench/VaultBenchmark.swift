import ArgumentParser
import Foundation
import Postgres
import Vault

/// `latchkey-bench vault`: key verification (cached and uncached) and issuance.
struct VaultBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Cached verify ns/op, uncached verify µs/op, issuances per second (uses a scratch database)."
    )

    @Option(help: "Cached verifications to time.") var cached = 2_000_000
    @Option(help: "Uncached verifications to time.") var uncached = 5_000
    @Option(help: "Keys to issue.") var issued = 2_000

    func run() async throws {
        let scratch = try await ScratchDatabase("latchkey_bench_vault")
        let pool = scratch.pool
        try await pool.execute("INSERT INTO users (username, email, tier) VALUES ('bench', 'bench@example.com', 'enterprise')")
        let vault = Vault(pool: pool)

        // Issuance: the full path (policy, row lock, limit count, insert, audit) in one transaction each.
        var secrets: [String] = []
        let issueStart = ContinuousClock.now
        for index in 0..<issued {
            secrets.append(try await vault.issue(KeyIssueRequest(username: "bench", name: "bench \(index)")).secret)
        }
        let issueSeconds = (ContinuousClock.now - issueStart).seconds

        // Uncached: every verify misses the cache and reads PostgreSQL.
        let uncachedStart = ContinuousClock.now
        for index in 0..<uncached {
            vault.flushCache()
            let result = try await vault.verify(secrets[index % secrets.count])
            precondition(result.isValid)
        }
        let uncachedSeconds = (ContinuousClock.now - uncachedStart).seconds

        // Cached: format check + SHA-256 + cache lookup + status.
        let key = secrets[0]
        _ = try await vault.verify(key)
        let cachedStart = ContinuousClock.now
        for _ in 0..<cached {
            let result = try await vault.verify(key)
            precondition(result.isValid)
        }
        let cachedSeconds = (ContinuousClock.now - cachedStart).seconds

        print(String(format: "vault verify, cached:    %8.0f ns/op   (goal ≤ 1000 ns; CheckTick ≈ 1.4 ms)", cachedSeconds / Double(cached) * 1e9))
        print(String(format: "vault verify, uncached:  %8.1f µs/op   (includes the PostgreSQL round trip)", uncachedSeconds / Double(uncached) * 1e6))
        print(String(format: "vault issue:             %8.0f keys/s (sequential, one transaction each)", Double(issued) / issueSeconds))
        try await scratch.close()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
