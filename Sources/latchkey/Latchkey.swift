import ArgumentParser

/// The `latchkey` command line.
@main
struct Latchkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey",
        abstract: "API-key vault and authorization-decision service.",
        subcommands: [Serve.self, Migrate.self, Import.self, Keys.self, Users.self, Services.self, SSO.self]
    )
}
