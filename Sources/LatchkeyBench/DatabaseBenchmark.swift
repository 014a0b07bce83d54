import ArgumentParser
import Foundation
import NIOConcurrencyHelpers
import Postgres

/// Point reads through the pool next to `pgbench -S` against the same server.
struct DatabaseBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "SELECT $1::int per second through PGPool at N tasks, next to pgbench -S -c N."
    )

    @Option(help: "Concurrent tasks (and pool size, and pgbench clients).")
    var concurrency = 8

    @Option(help: "Seconds per measurement.")
    var seconds = 10

    @Option(help: "libpq connection URI (default: $DATABASE_URL). pgbench tables (scale 1) are created in it.")
    var databaseURL: String?

    func run() async throws {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] else {
            throw ValidationError("DATABASE_URL is not set")
        }
        let pool = PGPool(configuration: PGConfiguration(connectionString: url, maxConnections: concurrency))
        let ours = try await measurePool(pool)
        await pool.close()
        print(String(format: "PGPool   SELECT $1::int   %2d tasks: %9.0f queries/s (extended protocol, prepared statements cached per connection)", concurrency, ours))

        try pgbench(["-i", "-s", "1", "-q", url])
        for mode in ["simple", "prepared"] {
            // A transaction count, not -T: pgbench's -T timer is a signal, which a child of this process may not receive.
            let perClient = max(1_000, Int(ours) * seconds / concurrency)
            let output = try pgbench(["-S", "-M", mode, "-c", "\(concurrency)", "-j", "2", "-t", "\(perClient)", "-n", url])
            let tps = output.split(separator: "\n").first { $0.hasPrefix("tps =") }.map(String.init) ?? "tps = ?"
            print(String(format: "pgbench  -S -M %-8@ %2d clients: %@", mode, concurrency, tps))
            if let value = Double(tps.split(separator: " ").dropFirst(2).first ?? "") {
                print(String(format: "         ratio PGPool / pgbench -M %@: %.2f", mode, ours / value))
            }
        }
    }

    private func measurePool(_ pool: PGPool) async throws -> Double {
        // Warm up: open every connection and prepare the statement.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<concurrency {
                group.addTask { for i in 0..<200 { _ = try await pool.query("SELECT \(Int32(i + task))::int") } }
            }
            try await group.waitForAll()
        }
        let deadline = ContinuousClock.now + .seconds(seconds)
        let started = ContinuousClock.now
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<concurrency {
                group.addTask {
                    var count = 0
                    while ContinuousClock.now < deadline {
                        for i in 0..<100 {
                            let rows = try await pool.query("SELECT \(Int32(i + task))::int")
                            precondition(rows.count == 1)
                        }
                        count += 100
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        let secondsElapsed = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(total) / secondsElapsed
    }

    @discardableResult
    private func pgbench(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pgbench"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("pgbench \(arguments.first ?? "") failed") }
        return String(decoding: data, as: UTF8.self)
    }
}
