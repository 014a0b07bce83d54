import Fixtures
import JSON
import Postgres

/// The fixture file's `templates` section (SPEC §8).
struct TemplateFixtureRows: FixtureRows {
    static let section = "templates"
    let templates: [FixtureTemplate]

    init(items: [FixtureTemplate]) { templates = items }

    var counts: [String: Int] { ["templates": templates.count] }

    func insert(with writer: inout FixtureWriter) async throws {
        for template in templates {
            let id = try await writer.insertReturningID("""
                INSERT INTO question_group_templates (name, description, markdown, publication_level, publisher_id,
                                                      organisation_id, attribution, tags, language, import_count, status)
                VALUES (\(template.name), \(template.description), \(template.markdown), \(template.publicationLevel),
                        \(writer.id(.user, template.publisher)), \(writer.id(.organisation, template.organisation)),
                        \(PGJSON(template.attribution)), \(template.tags), \(template.language), \(Int32(template.importCount)),
                        \(template.status))
                RETURNING id
                """, for: template.item)
            writer.record(.template, template.ref, id, as: "template")
        }
    }
}

extension FixtureCatalog.Kind {
    /// Question-group templates (`template:<ref>` in the import's result).
    static let template = Self(rawValue: "template")
}

/// An item of the fixture's `templates` section (question-group templates).
struct FixtureTemplate: FixtureItem {
    static let fields = ["ref", "name", "description", "markdown", "publication_level", "publisher", "organisation", "attribution", "tags", "language", "import_count", "status"]
    static let levels = ["global", "organisation"]
    static let statuses = ["active", "deleted"]

    let item: String, ref: String, name: String
    let description: String, markdown: String, publicationLevel: String
    let publisher: String, organisation: String?
    /// A JSON object, stored as `jsonb`.
    let attribution: JSONValue, tags: [String], language: String
    let importCount: Int, status: String

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("templates", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        name = try fields.string("name")
        description = try fields.string("description", default: "")
        markdown = try fields.string("markdown", default: "")
        publicationLevel = try fields.choice("publication_level", from: Self.levels, default: "global")
        publisher = try fields.requiredRef("publisher", to: "user", among: catalog.refs(.user))
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        attribution = try fields.object("attribution")
        tags = try fields.strings("tags")
        language = try fields.string("language", default: "en")
        importCount = try fields.integer("import_count", default: 0)
        status = try fields.choice("status", from: Self.statuses, default: "active")
        guard publicationLevel != "organisation" || organisation != nil else {
            throw fields.failure("publication_level \"organisation\" requires an \"organisation\"")
        }
        guard !language.isEmpty else { throw fields.failure("field \"language\" must not be empty") }
        try catalog.define(.template, ref: ref, by: item)
    }
}
