import ArgumentParser
import Foundation
import LatchkeyPlugins
import Logging
import Postgres

/// Options shared by every command that talks to PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "libpq connection URI or conninfo (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Folder of SQL migrations (default: $LATCHKEY_MIGRATIONS, else the ones built into latchkey).")
    var migrations: String?

    /// The pool configuration, or a validation error naming `DATABASE_URL`.
    func configuration() throws -> PGConfiguration {
        let environment = ProcessInfo.processInfo.environment
        var merged = environment
        if let databaseURL { merged["DATABASE_URL"] = databaseURL }
        guard let configuration = PGConfiguration.fromEnvironment(merged) else {
            throw ValidationError("DATABASE_URL is not set (or pass --database-url).")
        }
        return configuration
    }

    /// The migrations to apply: those built into the executable, unless `--migrations` or
    /// `LATCHKEY_MIGRATIONS` names a folder (a missing one is a one-line error naming it); of
    /// either, `core/` and the folders of the registered plugins.
    func pendingMigrations() throws -> [PGMigrator.Migration] {
        let (name, path) = migrations.map { ("--migrations", $0) }
            ?? ProcessInfo.processInfo.environment["LATCHKEY_MIGRATIONS"].map { ("LATCHKEY_MIGRATIONS", $0) }
            ?? ("", "")
        let folders = Set(["core"] + registeredPlugins.map(\.migrationsFolder))
        guard !name.isEmpty else { return embeddedMigrations.filter { folders.contains(String($0.folder)) } }
        do {
            return try PGMigrator.migrations(in: URL(fileURLWithPath: path)).filter { folders.contains(String($0.folder)) }
        } catch let missing as PGMigrator.MissingFolder {
            throw CommandFailure(message: "\(name): \(missing)")
        }
    }

    /// A migrator over `pool` for ``pendingMigrations()``.
    func migrator(pool: PGPool, logger: Logger) throws -> PGMigrator {
        PGMigrator(pool: pool, migrations: try pendingMigrations(), logger: logger)
    }
}

/// A logger at `LATCHKEY_LOG_LEVEL` (default `info`; checked at start-up by ``LogFormat``).
func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = (try? LogFormat.level()) ?? .info
    return logger
}
