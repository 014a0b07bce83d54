import ArgumentParser
import Vault

/// `latchkey services issue`.
struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage backend service credentials.", subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a ct_svc_ credential; prints it once, alone on its own line of stdout.")

        @Option(help: "A name for the service.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let issued = try await database.withVault("latchkey.services") { try await $0.issueServiceCredential(name: name) }
            print(issued.secret)
        }
    }
}
