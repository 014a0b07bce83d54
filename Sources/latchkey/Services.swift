import ArgumentParser
import Foundation
import Server
import Vault

/// `latchkey services issue|list|revoke` (SPEC §8).
struct Services: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list and revoke backend service credentials.", subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a ct_svc_ credential; prints it once, alone on its own line of stdout.")

        @Option(help: "A name for the service.") var name: String
        @Option(help: "Organisation slug the credential speaks for (SPEC §6); without it, the whole deployment.") var org: String?
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let issued = try await configuration.withVault("latchkey.services") {
                try await $0.issueServiceCredential(name: name, organisationSlug: org)
            }
            FileHandle.standardError.write(Data("issued service credential \(issued.credential.id.uuidString.lowercased()) (\(issued.credential.prefix)…)\n".utf8))
            print(issued.secret)
        }
    }

    struct List: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "List service credentials: id, name, organisation (- for the whole deployment), created, status; never the secrets.")

        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let credentials = try await configuration.withVault("latchkey.services") { try await $0.listServiceCredentials() }
            let format = ISO8601DateFormatter()
            for listed in credentials {
                print([listed.credential.id.uuidString.lowercased(), listed.credential.name, listed.organisationSlug ?? "-",
                       format.string(from: listed.createdAt), listed.status].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a service credential (idempotent); every instance refuses it at once.")

        @Argument(help: "The credential id (uuid), as services list shows it.") var id: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            guard let credentialID = UUID(uuidString: id) else { throw ValidationError("\(id) is not a service credential id (uuid)") }
            try await configuration.withVault("latchkey.services") { try await $0.revokeServiceCredential(id: credentialID) }
            print("revoked service credential \(credentialID.uuidString.lowercased())")
        }
    }
}
