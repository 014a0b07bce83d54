import ArgumentParser
import Foundation

/// The `latchkey` command line.
@main
struct Latchkey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey",
        abstract: "API-key vault and authorization-decision service.",
        version: Latchkey.version,
        subcommands: [Serve.self, Migrate.self, Import.self, Keys.self, Users.self, Orgs.self, Members.self, Services.self, SSO.self]
    )

    /// Sets up logging (`LATCHKEY_LOG_FORMAT`), then runs the command.
    static func main() async {
        do {
            try LogFormat.bootstrap()
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(1)
        }
        await main(nil)
    }

    /// The release, printed by `--version`.
    static let version = "0.9.0"
}
