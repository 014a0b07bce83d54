import ArgumentParser
import Foundation
import Logging
import Postgres

/// Options shared by every command that talks to PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "libpq connection URI or conninfo (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Folder of SQL migrations (default: $LATCHKEY_MIGRATIONS, else ./db).")
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

    /// Where the migrations live.
    var migrationsRoot: URL {
        let path = migrations ?? ProcessInfo.processInfo.environment["LATCHKEY_MIGRATIONS"] ?? "db"
        return URL(fileURLWithPath: path)
    }
}

/// A logger at `LATCHKEY_LOG_LEVEL` (default `info`), writing to stderr.
func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    let level = ProcessInfo.processInfo.environment["LATCHKEY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
    logger.logLevel = level ?? .info
    return logger
}
