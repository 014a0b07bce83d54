import ArgumentParser
import Foundation
import Vault

/// `latchkey users create|set-password|set-tier|deactivate`.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users.", subcommands: [Create.self, SetPassword.self, SetTier.self, Deactivate.self])

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a password (read from stdin); revokes the user's keys and sessions.")

        @Argument(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("give the new password on standard input")
            }
            let revoked = try await database.withVault("latchkey.users") { try await $0.setPassword(username: user, password: line) }
            print("password changed for \(user); revoked \(revoked) key(s) and their sessions")
        }
    }
}
