import Accounts
import ArgumentParser
import Foundation
import Policy
import Server
import Tenancy

/// `latchkey users create|set-password|set-tier|deactivate`.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users.", subcommands: [Create.self, SetPassword.self, SetTier.self, Deactivate.self])

    struct Create: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user (no password until set-password).")

        @Option(help: "Username.") var username: String
        @Option(help: "Email address (unique, case-insensitive).") var email: String
        @Option(help: "Tier: free, pro, team, organisation, enterprise.") var tier = "free"
        @Option(help: "First name.") var firstName = ""
        @Option(help: "Last name.") var lastName = ""
        @OptionGroup var database: DatabaseOptions

        func validate() throws { _ = try Users.tier(tier) }

        func run(_ configuration: Configuration) async throws {
            let id = try await configuration.withTenancy("latchkey.users") {
                try await $0.createUser(username: username, email: email, tier: try Users.tier(tier), firstName: firstName, lastName: lastName)
            }
            print("created user \(username) (id \(id))")
        }
    }

    struct SetPassword: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set a password (read from stdin); revokes the user's keys and sessions.")

        @Argument(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw ValidationError("give the new password on standard input")
            }
            let revoked = try await configuration.withAccounts("latchkey.users") { try await $0.setPassword(username: user, password: line) }
            print("password changed for \(user); revoked \(revoked) key(s) and their sessions")
        }
    }

    struct SetTier: ConfiguredCommand {
        static let configuration = CommandConfiguration(commandName: "set-tier", abstract: "Move a user to another tier.")

        @Argument(help: "Username.") var user: String
        @Argument(help: "Tier: free, pro, team, organisation, enterprise.") var tier: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws { _ = try Users.tier(tier) }

        func run(_ configuration: Configuration) async throws {
            try await configuration.withTenancy("latchkey.users") { try await $0.setTier(username: user, tier: try Users.tier(tier)) }
            print("\(user) is now on the \(tier) tier")
        }
    }

    struct Deactivate: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user: their keys and sessions stop working everywhere.")

        @Argument(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            try await configuration.withTenancy("latchkey.users") { try await $0.deactivate(username: user) }
            print("deactivated \(user)")
        }
    }

    static func tier(_ name: String) throws -> Tier {
        guard let tier = Tier(rawValue: name) else {
            throw ValidationError("the tier must be one of free, pro, team, organisation, enterprise, not \(name)")
        }
        return tier
    }
}
