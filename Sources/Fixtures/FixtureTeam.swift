import JSON
import Policy
import Postgres

/// An item of the fixture's `teams` section, with its memberships.
struct FixtureTeam: Sendable {
    static let fields = ["ref", "slug", "name", "organisation", "size", "members"]
    static let sizes = ["small", "medium", "large"]

    let item: String, ref: String, slug: String
    let name: String, organisation: String?, size: String
    let members: [FixtureMember]

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("teams", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        slug = try fields.string("slug")
        name = try fields.string("name")
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        size = try fields.choice("size", from: Self.sizes, default: "small")
        members = try FixtureMember.list(in: fields, roles: TeamRole.allCases.map(\.rawValue), catalog: catalog)
        try catalog.define(.team, ref: ref, by: item)
        try catalog.claim("team slug", slug, by: item)
    }
}
