import ArgumentParser
import Postgres

/// `latchkey migrate`: applies pending migrations.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the db/ migrations (core, then each plugin); idempotent.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = makeLogger("latchkey.migrate")
        let pool = PGPool(configuration: try database.configuration(), logger: logger)
        do {
            let applied = try await database.migrator(pool: pool, logger: logger).migrate()
            print(applied.isEmpty ? "migrations: nothing to apply" : "migrations: applied \(applied.joined(separator: ", "))")
            await pool.close()
        } catch {
            await pool.close()
            throw error
        }
    }
}
