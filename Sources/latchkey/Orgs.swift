import ArgumentParser
import Server
import Tenancy

/// `latchkey orgs create|list` (SPEC §8).
struct Orgs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create and list organisations.", subcommands: [Create.self, List.self])

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
}
