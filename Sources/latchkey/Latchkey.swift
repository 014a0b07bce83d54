import ArgumentParser

/// The `latchkey` command line.
@main
struct Latchkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey",
        abstract: "API-key vault and authorization-decision service.",
        version: Latchkey.version,
        subcommands: [Serve.self, Migrate.self, Import.self, Keys.self, Users.self, Orgs.self, Members.self, Services.self, SSO.self]
    )

    /// The release, printed by `--version`.
    static let version = "0.9.0"
}
