import JSON
import Policy
import Postgres

/// An item of the fixture's `organisations` section, with its memberships.
struct FixtureOrganisation: Sendable {
    static let fields = ["ref", "slug", "name", "owner", "members"]

    let item: String, ref: String, slug: String
    let name: String, owner: String?, members: [FixtureMember]

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("organisations", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        slug = try fields.string("slug")
        name = try fields.string("name")
        owner = try fields.ref("owner", to: "user", among: catalog.refs(.user))
        members = try FixtureMember.list(in: fields, roles: OrganisationRole.allCases.map(\.rawValue), catalog: catalog)
        try catalog.define(.organisation, ref: ref, by: item)
        try catalog.claim("organisation slug", slug, by: item)
    }
}
