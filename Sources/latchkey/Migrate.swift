import ArgumentParser
import Logging
import Postgres
import Server

/// `latchkey migrate`: applies pending migrations.
struct Migrate: ConfiguredCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the db/ migrations (core, then each plugin); idempotent.")

    @OptionGroup var database: DatabaseOptions

    func run(_ configuration: Configuration) async throws {
        let logger = Logger(label: "latchkey.migrate")
        try await PGPool.with(try configuration.database(), logger: logger) { pool in
            let applied = try await configuration.migrator(pool: pool, logger: logger).migrate()
            print(applied.isEmpty ? "migrations: nothing to apply" : "migrations: applied \(applied.joined(separator: ", "))")
        }
    }
}
