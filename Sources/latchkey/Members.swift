import ArgumentParser
import Server
import Tenancy

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

        var group: Tenancy.Group { org.map(Tenancy.Group.organisation) ?? .team(team ?? "") }
    }

    struct Add: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member (or change their role).")

        @OptionGroup var target: Target
        @Option(help: "Username.") var user: String
        @Option(help: "Role: admin, creator, viewer.") var role: String
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard ["admin", "creator", "viewer"].contains(role) else { throw ValidationError("--role must be admin, creator or viewer") }
        }

        func run(_ configuration: Configuration) async throws {
            try await configuration.withTenancy("latchkey.members") { try await $0.addMember(user, to: target.group, role: role) }
            print("\(user) is \(role) of \(target.org ?? target.team ?? "")")
        }
    }

    struct Remove: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a member.")

        @OptionGroup var target: Target
        @Option(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            try await configuration.withTenancy("latchkey.members") { try await $0.removeMember(user, from: target.group) }
            print("removed \(user) from \(target.org ?? target.team ?? "")")
        }
    }
}
