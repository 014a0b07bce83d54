import ArgumentParser
import Foundation
import Policy
import Vault

/// `latchkey orgs create|list` (SPEC §8).
struct Orgs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create and list organisations.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation.")

        @Option(help: "The organisation's slug (lowercase letters, digits, - and _).") var slug: String
        @Option(help: "Its display name.") var name: String
        @Option(help: "Username of its owner.") var owner: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = try await database.withVault("latchkey.orgs") { try await $0.createOrganisation(slug: slug, name: name, owner: owner) }
            print("created organisation \(slug) (id \(id))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations: id, slug, name, owner, members.")

        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            for organisation in try await database.withVault("latchkey.orgs", { try await $0.organisations() }) {
                print([String(organisation.id), organisation.slug, organisation.name, "owner=\(organisation.owner ?? "-")",
                       "members=\(organisation.members)"].joined(separator: "\t"))
            }
        }
    }
}

extension Users {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user (no password until set-password).")

        @Option(help: "Username.") var username: String
        @Option(help: "Email address (unique, case-insensitive).") var email: String
        @Option(help: "Tier: free, pro, team, organisation, enterprise.") var tier = "free"
        @Option(help: "First name.") var firstName = ""
        @Option(help: "Last name.") var lastName = ""
        @OptionGroup var database: DatabaseOptions

        func validate() throws { _ = try Users.tier(tier) }

        func run() async throws {
            let id = try await database.withVault("latchkey.users") {
                try await $0.createUser(username: username, email: email, tier: try Users.tier(tier), firstName: firstName, lastName: lastName)
            }
            print("created user \(username) (id \(id))")
        }
    }

    struct SetTier: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-tier", abstract: "Move a user to another tier.")

        @Argument(help: "Username.") var user: String
        @Argument(help: "Tier: free, pro, team, organisation, enterprise.") var tier: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws { _ = try Users.tier(tier) }

        func run() async throws {
            try await database.withVault("latchkey.users") { try await $0.setTier(username: user, tier: try Users.tier(tier)) }
            print("\(user) is now on the \(tier) tier")
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate a user: their keys and sessions stop working everywhere.")

        @Argument(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withVault("latchkey.users") { try await $0.deactivate(username: user) }
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

/// `latchkey members add|remove` (SPEC §8): organisation or team memberships.
struct Members: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add and remove organisation and team members.", subcommands: [Add.self, Remove.self])

    /// `--org SLUG` or `--team SLUG`, exactly one.
    struct Target: ParsableArguments {
        @Option(help: "Organisation slug.") var org: String?
        @Option(help: "Team slug.") var team: String?

        func validate() throws {
            guard (org == nil) != (team == nil) else { throw ValidationError("give exactly one of --org and --team") }
        }

        var group: Vault.Group { org.map(Vault.Group.organisation) ?? .team(team ?? "") }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member (or change their role).")

        @OptionGroup var target: Target
        @Option(help: "Username.") var user: String
        @Option(help: "Role: admin, creator, viewer.") var role: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard ["admin", "creator", "viewer"].contains(role) else { throw ValidationError("--role must be admin, creator or viewer") }
        }

        func run() async throws {
            try await database.withVault("latchkey.members") { try await $0.addMember(user, to: target.group, role: role) }
            print("\(user) is \(role) of \(target.org ?? target.team ?? "")")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member.")

        @OptionGroup var target: Target
        @Option(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await database.withVault("latchkey.members") { try await $0.removeMember(user, from: target.group) }
            print("removed \(user) from \(target.org ?? target.team ?? "")")
        }
    }
}
