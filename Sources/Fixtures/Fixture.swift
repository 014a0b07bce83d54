import Foundation
import JSON
import Postgres

/// A validated fixture file: the whole data set `latchkey import` loads in one transaction (SPEC §8).
///
/// Creating one checks everything that can be checked without a database: JSON shape, unknown
/// fields (top level and nested), required fields, types, enums, refs to undefined items, and
/// duplicate refs, slugs, usernames, emails (case-insensitively) and dataset keys. The first
/// problem found is thrown as a ``FixtureError`` naming the item.
public struct Fixture: Sendable {
    let users: [FixtureUser]
    let organisations: [FixtureOrganisation]
    let teams: [FixtureTeam]
    /// The rows of each plugin's section, in the order of `sections`.
    let pluginRows: [any FixtureRows]
    let keys: [FixtureKey]
    let services: [FixtureService]

    /// Parses and validates a fixture file's JSON, with the sections of the given plugins
    /// between teams and keys; any other top-level field is refused.
    public init(json data: Data, sections: [any FixtureSection] = []) throws(FixtureError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw FixtureError(item: "fixture", problem: "not valid JSON (\(error))")
        }
        let names = ["users", "organisations", "teams"] + sections.map(\.name) + ["keys", "services"]
        let fields = try FixtureFieldReader(root, item: "fixture", fields: names)
        var catalog = FixtureCatalog()
        catalog.permissionTypes.formUnion(sections.map(\.name))
        func read<Item>(_ section: String, _ make: (JSONValue, Int, inout FixtureCatalog) throws(FixtureError) -> Item) throws(FixtureError) -> [Item] {
            try catalog.read(try fields.items(section), make)
        }
        users = try read("users", FixtureUser.init)
        organisations = try read("organisations", FixtureOrganisation.init)
        teams = try read("teams", FixtureTeam.init)
        var pluginRows: [any FixtureRows] = []
        for section in sections {
            pluginRows.append(try section.read(try fields.items(section.name), catalog: &catalog))
        }
        self.pluginRows = pluginRows
        keys = try read("keys", FixtureKey.init)
        services = try read("services", FixtureService.init)
    }

    /// How many rows of each kind the fixture holds (recorded in the audit event; no secrets).
    public var counts: [String: Int] {
        var counts = [
            "users": users.count,
            "organisations": organisations.count,
            "organisation_memberships": organisations.reduce(0) { $0 + $1.members.count },
            "teams": teams.count,
            "team_memberships": teams.reduce(0) { $0 + $1.members.count },
            "keys": keys.count,
            "services": services.count,
        ]
        for rows in pluginRows { counts.merge(rows.counts) { $0 + $1 } }
        return counts
    }
}
