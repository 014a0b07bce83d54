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
    /// The top-level sections, in the order they are read and imported.
    static let sections = ["users", "organisations", "teams", "surveys", "datasets", "templates", "keys", "services"]

    let users: [FixtureUser]
    let organisations: [FixtureOrganisation]
    let teams: [FixtureTeam]
    let surveys: [FixtureSurvey]
    let datasets: [FixtureDataset]
    let templates: [FixtureTemplate]
    let keys: [FixtureKey]
    let services: [FixtureService]

    /// Parses and validates a fixture file's JSON.
    public init(json data: Data) throws(FixtureError) {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch {
            throw FixtureError(item: "fixture", problem: "not valid JSON (\(error))")
        }
        let fields = try FixtureFieldReader(root, item: "fixture", fields: Self.sections)
        var catalog = FixtureCatalog()
        func read<Item>(_ section: String, _ make: (JSONValue, Int, inout FixtureCatalog) throws(FixtureError) -> Item) throws(FixtureError) -> [Item] {
            var items: [Item] = []
            for (index, value) in try fields.items(section).enumerated() {
                items.append(try make(value, index, &catalog))
            }
            return items
        }
        users = try read("users", FixtureUser.init)
        organisations = try read("organisations", FixtureOrganisation.init)
        teams = try read("teams", FixtureTeam.init)
        surveys = try read("surveys", FixtureSurvey.init)
        datasets = try read("datasets", FixtureDataset.init)
        templates = try read("templates", FixtureTemplate.init)
        keys = try read("keys", FixtureKey.init)
        services = try read("services", FixtureService.init)
    }

    /// How many rows of each kind the fixture holds (recorded in the audit event; no secrets).
    public var counts: [String: Int] {
        [
            "users": users.count,
            "organisations": organisations.count,
            "organisation_memberships": organisations.reduce(0) { $0 + $1.members.count },
            "teams": teams.count,
            "team_memberships": teams.reduce(0) { $0 + $1.members.count },
            "surveys": surveys.count,
            "survey_memberships": surveys.reduce(0) { $0 + $1.members.count },
            "survey_responses": surveys.reduce(0) { $0 + $1.responses.count },
            "datasets": datasets.count,
            "templates": templates.count,
            "keys": keys.count,
            "services": services.count,
        ]
    }
}
