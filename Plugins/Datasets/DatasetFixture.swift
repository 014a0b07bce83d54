import Fixtures
import JSON
import Postgres

/// The fixture file's `datasets` section (SPEC §8).
struct DatasetFixtureRows: FixtureRows {
    static let section = "datasets"
    let datasets: [FixtureDataset]

    init(items: [FixtureDataset]) { datasets = items }

    var counts: [String: Int] { ["datasets": datasets.count] }

    func insert(with writer: inout FixtureWriter) async throws {
        for dataset in datasets {
            let id = try await writer.insertReturningID("""
                INSERT INTO datasets (key, name, description, category, is_global, organisation_id, team_id, created_by,
                                      options, tags, version, is_active)
                VALUES (\(dataset.key), \(dataset.name), \(dataset.description), \(dataset.category), \(dataset.isGlobal),
                        \(writer.id(.organisation, dataset.organisation)), \(writer.id(.team, dataset.team)),
                        \(writer.id(.user, dataset.createdBy)), \(dataset.options), \(dataset.tags), \(Int32(dataset.version)),
                        \(dataset.isActive))
                RETURNING id
                """, for: dataset.item)
            // Reported by key (SPEC §8: `dataset:<key>`); the id is for keys selecting it.
            writer.report("dataset", dataset.key, dataset.key)
            writer.remember(.dataset, dataset.key, id)
        }
    }
}

extension FixtureCatalog.Kind {
    /// A dataset, by its key (what a key's `resources` name it by).
    static let dataset = Self(rawValue: "dataset")
}

/// An item of the fixture's `datasets` section, identified by its `key`.
struct FixtureDataset: FixtureItem {
    static let fields = ["key", "name", "description", "category", "is_global", "organisation", "team", "created_by", "options", "tags", "version", "is_active"]
    static let categories = ["nhs_dd", "external_api", "user_created", "rcpch", "snomed"]

    let item: String, key: String, name: String
    let description: String, category: String, isGlobal: Bool
    let organisation: String?, team: String?, createdBy: String?
    let options: [String], tags: [String], version: Int
    let isActive: Bool

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("datasets", index, of: value, identifiedBy: "key"), fields: Self.fields)
        item = fields.item
        key = try fields.string("key")
        name = try fields.string("name")
        description = try fields.string("description", default: "")
        category = try fields.choice("category", from: Self.categories, default: "user_created")
        isGlobal = try fields.bool("is_global", default: false)
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        team = try fields.ref("team", to: "team", among: catalog.refs(.team))
        createdBy = try fields.ref("created_by", to: "user", among: catalog.refs(.user))
        options = try fields.strings("options")
        tags = try fields.strings("tags")
        version = try fields.integer("version", default: 1, in: 1...Int(Int32.max))
        isActive = try fields.bool("is_active", default: true)
        guard Self.isValidKey(key) else {
            throw fields.failure("field \"key\": \"\(key)\" must be lowercase letters, digits, \"_\" and \"-\", starting with a letter or digit")
        }
        try catalog.define(.dataset, ref: key, by: item)
    }

    /// Whether `key` matches `^[a-z0-9][a-z0-9_-]*$`, as the `datasets` table requires.
    static func isValidKey(_ key: String) -> Bool {
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = key.utf8.first, isAlphanumeric(first) else { return false }
        return key.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}
