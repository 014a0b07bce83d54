import JSON
import Postgres

/// An item of the fixture's `services` section: a `ct_svc_` credential to generate.
struct FixtureService: Sendable {
    static let fields = ["ref", "name"]

    let item: String, ref: String, name: String

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("services", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        name = try fields.string("name")
        try catalog.define(.service, ref: ref, by: item)
    }
}
