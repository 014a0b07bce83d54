import JSON
import Postgres

/// An item of the fixture's `services` section: a `ct_svc_` credential to generate, scoped to
/// `organisation` (a ref) when it names one (SPEC §6), else deployment-wide.
struct FixtureService: Sendable {
    static let fields = ["ref", "name", "organisation"]

    let item: String, ref: String, name: String, organisation: String?

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("services", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        name = try fields.string("name")
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        try catalog.define(.service, ref: ref, by: item)
    }
}
