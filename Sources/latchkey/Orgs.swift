import ArgumentParser
import Policy
import Server
import Tenancy
import Vault

/// `latchkey orgs create|list|policy|webhooks` (SPEC §8, §14).
struct Orgs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list organisations; show or change their key policy.", subcommands: [Create.self, List.self, PolicyCommand.self, WebhooksCommand.self])

    struct Create: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Create an organisation.")

        @Option(help: "The organisation's slug (lowercase letters, digits, - and _).") var slug: String
        @Option(help: "Its display name.") var name: String
        @Option(help: "Username of its owner.") var owner: String?
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let id = try await configuration.withTenancy("latchkey.orgs") { try await $0.createOrganisation(slug: slug, name: name, owner: owner) }
            print("created organisation \(slug) (id \(id))")
        }
    }

    struct List: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations: id, slug, name, owner, members.")

        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            for organisation in try await configuration.withTenancy("latchkey.orgs", { try await $0.organisations() }) {
                print([String(organisation.id), organisation.slug, organisation.name, "owner=\(organisation.owner ?? "-")",
                       "members=\(organisation.members)"].joined(separator: "\t"))
            }
        }
    }

    /// `latchkey orgs policy <slug> [--max-lifetime-days N|none] …` (SPEC §14): changes the
    /// options given (audited `policy.updated`, actor the operator) and prints the policy as JSON.
    struct PolicyCommand: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy", abstract: "Show an organisation's key policy as JSON, changing the rules given first.")

        @Argument(help: "The organisation's slug.") var slug: String
        @Option(help: "Longest key lifetime in days (1-3650), or none.") var maxLifetimeDays: String?
        @Option(help: "Require an expiry: true or false.") var requireExpiry: String?
        @Option(help: "Require allowed addresses: true or false.") var requireAllowedCidrs: String?
        @Option(help: "The capabilities a key may hold at most (e.g. view,add), or any.") var maxCapabilities: String?
        @Option(help: "Members who are not admins must ask for keys: true or false.") var requireApproval: String?
        @Option(help: "Require a passkey as second factor: true or false.") var requirePasskey: String?
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let policy = try await configuration.withTenancy("latchkey.orgs") { tenancy -> KeyPolicy in
                let (id, stored) = try await tenancy.keyPolicy(organisation: slug)
                let wanted = try changed(stored)
                guard wanted != stored else { return stored }
                return try await tenancy.setKeyPolicy(wanted, organisationID: id, actor: nil, via: "cli")
            }
            print(policy.jsonText)
        }

        /// `policy` with the options given applied; a bad value fails naming its option.
        func changed(_ policy: KeyPolicy) throws -> KeyPolicy {
            var policy = policy
            if let text = maxLifetimeDays {
                if text == "none" {
                    policy.maxLifetimeDays = nil
                } else if let days = Int(text), KeyPolicy.lifetimeRange.contains(days) {
                    policy.maxLifetimeDays = days
                } else {
                    throw CommandFailure(message: "--max-lifetime-days must be 1 to 3650 or none")
                }
            }
            if let text = maxCapabilities {
                if text == "any" {
                    policy.maxCapabilities = nil
                } else if let capabilities = Capabilities(parsing: text) {
                    policy.maxCapabilities = capabilities
                } else {
                    throw CommandFailure(message: "--max-capabilities must be a comma-separated list of view, add, edit, delete, superuser, or any")
                }
            }
            try Self.flag(requireExpiry, "--require-expiry", into: &policy.requireExpiry)
            try Self.flag(requireAllowedCidrs, "--require-allowed-cidrs", into: &policy.requireAllowedCIDRs)
            try Self.flag(requireApproval, "--require-approval", into: &policy.requireApproval)
            try Self.flag(requirePasskey, "--require-passkey", into: &policy.requirePasskey)
            return policy
        }

        static func flag(_ text: String?, _ option: String, into target: inout Bool) throws {
            guard let text else { return }
            switch text {
            case "true": target = true
            case "false": target = false
            default: throw CommandFailure(message: "\(option) must be true or false")
            }
        }
    }
}
