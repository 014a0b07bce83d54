import ArgumentParser
import Server

/// The flags of every command that talks to PostgreSQL: they override `DATABASE_URL` and
/// `LATCHKEY_MIGRATIONS`.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "libpq connection URI or conninfo (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Folder of SQL migrations (default: $LATCHKEY_MIGRATIONS, else the ones built into latchkey).")
    var migrations: String?

    /// These flags, for ``Configuration``.
    var flags: Configuration.Flags { Configuration.Flags(databaseURL: databaseURL, migrations: migrations) }
}

/// A command that runs with the process's ``Configuration`` (SPEC §9): the environment read
/// once, then the command's flags; a bad value stops it before anything is done, naming the
/// variable.
protocol ConfiguredCommand: AsyncParsableCommand {
    var database: DatabaseOptions { get }
    /// The flags that override the environment (by default the database's).
    var flags: Configuration.Flags { get }
    /// Runs the command with the configuration; logging is set up from it.
    func run(_ configuration: Configuration) async throws
}

extension ConfiguredCommand {
    var flags: Configuration.Flags { database.flags }

    /// Reads the configuration, sets up logging (`LATCHKEY_LOG_FORMAT`, `LATCHKEY_LOG_LEVEL`), then
    /// runs the command.
    func run() async throws {
        let configuration = try Configuration.current(flags: flags)
        configuration.logFormat.bootstrap(level: configuration.logLevel)
        try await run(configuration)
    }
}
