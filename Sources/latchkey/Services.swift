import ArgumentParser
import Server
import Vault

/// `latchkey services issue`.
struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage backend service credentials.", subcommands: [Issue.self])

    struct Issue: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a ct_svc_ credential; prints it once, alone on its own line of stdout.")

        @Option(help: "A name for the service.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let issued = try await configuration.withVault("latchkey.services") { try await $0.issueServiceCredential(name: name) }
            print(issued.secret)
        }
    }
}
