import Foundation
import JSON
import PluginKit
import Policy
import TemplatesPolicy
import Postgres

/// One question-group template as the API shows it (SPEC §4), plus the facts the policy needs.
struct TemplateRecord: Sendable, JSONWritable {
    var id: Int64
    var name: String
    var description: String
    var markdown: String
    var publicationLevel: PublicationLevel
    var publisherUsername: String
    var organizationName: String?
    /// JSON text, as PostgreSQL prints the `jsonb` column; shown as stored.
    var attribution: String
    var tags: [String]
    var language: String
    var importCount: Int
    /// Whether the caller is the publisher.
    var canDelete: Bool
    var createdAt: Date
    var updatedAt: Date
    /// Not shown; for the policy.
    var publisherID: Int64
    /// Not shown; for the policy.
    var organisationID: Int64?
    /// Not shown; for the policy (lists hold active templates only).
    var status: TemplateStatus

    /// The columns ``init(row:from:callerID:)`` reads, in order, for a `question_group_templates t`
    /// joined to its publisher `pu` and (left join) its organisation `o`. Output names are unique,
    /// so ``TemplateOrdering`` can name them.
    static let columns: PGQuery = """
        t.id, t.name, t.description, t.markdown, t.publication_level, pu.username AS publisher_username, \
        o.name AS organization_name, t.attribution::text AS attribution, t.tags, t.language, t.import_count, \
        t.created_at, t.updated_at, t.publisher_id, t.organisation_id, t.status
        """

    /// The tables ``columns`` read from.
    static let tables: PGQuery = """
        question_group_templates t
        JOIN users pu ON pu.id = t.publisher_id
        LEFT JOIN organisations o ON o.id = t.organisation_id
        """

    /// Reads the ``columns`` starting at `first`; `callerID` decides ``canDelete``.
    init(row: PGRow, from first: Int, callerID: Int64) throws {
        id = try row.decode(Int64.self, at: first)
        name = try row.decode(String.self, at: first + 1)
        description = try row.decode(String.self, at: first + 2)
        markdown = try row.decode(String.self, at: first + 3)
        publicationLevel = try Self.enumeration(row.decode(String.self, at: first + 4))
        publisherUsername = try row.decode(String.self, at: first + 5)
        organizationName = try row.decode(String?.self, at: first + 6)
        attribution = try row.decode(String.self, at: first + 7)
        tags = try row.decode([String].self, at: first + 8)
        language = try row.decode(String.self, at: first + 9)
        importCount = try row.decode(Int.self, at: first + 10)
        createdAt = try row.decode(Date.self, at: first + 11)
        updatedAt = try row.decode(Date.self, at: first + 12)
        publisherID = try row.decode(Int64.self, at: first + 13)
        organisationID = try row.decode(Int64?.self, at: first + 14)
        status = try Self.enumeration(row.decode(String.self, at: first + 15))
        canDelete = publisherID == callerID
    }

    /// What the template rules read.
    var facts: TemplateFacts {
        TemplateFacts(id: id, level: publicationLevel, organisationID: organisationID, publisherID: publisherID, status: status)
    }

    /// Every shown field, `null` included.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("name", name)
            json.field("description", description)
            json.field("markdown", markdown)
            json.field("publication_level", publicationLevel.rawValue)
            json.field("publisher_username", publisherUsername)
            json.field("organization_name", organizationName)
            json.key("attribution")
            json.raw(attribution)
            json.field("tags", tags)
            json.field("language", language)
            json.field("import_count", importCount)
            json.field("can_delete", canDelete)
            json.field("created_at", createdAt)
            json.field("updated_at", updatedAt)
        }
    }

    /// A text column constrained by the schema to the raw values of `Value`.
    private static func enumeration<Value: RawRepresentable>(_ text: String) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text) else {
            throw PGError.invalidText(Value.self, "unexpected value \(text)")
        }
        return value
    }
}
