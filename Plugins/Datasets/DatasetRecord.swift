import Foundation
import JSON
import PluginKit
import Policy
import DatasetsPolicy
import Postgres

/// One dataset as the API shows it (SPEC §4 Datasets), plus the facts the policy needs.
///
/// `is_editable` and `can_publish` depend on the caller; ``DatasetPermissions`` sets them.
struct DatasetRecord: Sendable, JSONWritable {
    /// The integer id a fine-grained key's selection stores (SPEC §15; the issuer names datasets
    /// by key). Not shown: the API addresses datasets by ``key`` alone (SPEC §4's fields).
    var id: Int64
    var key: String
    var name: String
    var description: String
    var category: DatasetCategory
    var isGlobal: Bool
    var organisationID: Int64?
    var organisationName: String?
    var teamID: Int64?
    var teamName: String?
    /// In stored order, each string exactly as stored.
    var options: [String]
    var tags: [String]
    var version: Int
    var isActive: Bool
    /// Not shown; for the policy.
    var createdBy: Int64?
    var createdAt: Date
    var updatedAt: Date
    var isEditable = false
    var canPublish = false

    /// The columns ``init(row:from:)`` reads, in order, for a `datasets d` left-joined to its
    /// `organisations o` and `teams t`. Output names are distinct, so a paged query can order
    /// by `category, name, key`.
    static let columns: PGQuery = """
        d.key, d.name, d.description, d.category, d.is_global, d.organisation_id, o.name AS organisation_name, \
        d.team_id, t.name AS team_name, d.options, d.tags, d.version, d.is_active, d.created_by, \
        d.created_at, d.updated_at, d.id
        """

    /// The tables ``columns`` reads from.
    static let tables: PGQuery = """
        datasets d
        LEFT JOIN organisations o ON o.id = d.organisation_id
        LEFT JOIN teams t ON t.id = d.team_id
        """

    /// Reads the ``columns`` starting at `first`.
    init(row: PGRow, from first: Int) throws {
        key = try row.decode(String.self, at: first)
        name = try row.decode(String.self, at: first + 1)
        description = try row.decode(String.self, at: first + 2)
        let categoryText = try row.decode(String.self, at: first + 3)
        guard let category = DatasetCategory(rawValue: categoryText) else {
            throw PGError.invalidText(DatasetCategory.self, categoryText)
        }
        self.category = category
        isGlobal = try row.decode(Bool.self, at: first + 4)
        organisationID = try row.decode(Int64?.self, at: first + 5)
        organisationName = try row.decode(String?.self, at: first + 6)
        teamID = try row.decode(Int64?.self, at: first + 7)
        teamName = try row.decode(String?.self, at: first + 8)
        options = try row.decode([String].self, at: first + 9)
        tags = try row.decode([String].self, at: first + 10)
        version = try row.decode(Int.self, at: first + 11)
        isActive = try row.decode(Bool.self, at: first + 12)
        createdBy = try row.decode(Int64?.self, at: first + 13)
        createdAt = try row.decode(Date.self, at: first + 14)
        updatedAt = try row.decode(Date.self, at: first + 15)
        id = try row.decode(Int64.self, at: first + 16)
    }

    /// Whether `key` could be a dataset key (the table's `^[a-z0-9][a-z0-9_-]*$`); anything
    /// else names no dataset and never reaches the database.
    static func isWellFormedKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, isLowerAlphanumeric(first) else { return false }
        return key.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// What the dataset rules read.
    var facts: DatasetFacts {
        DatasetFacts(
            id: id,
            key: key,
            category: category,
            isGlobal: isGlobal,
            organisationID: organisationID,
            teamID: teamID,
            createdBy: createdBy,
            isActive: isActive
        )
    }

    /// Every field, `null` included.
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("key", key)
            json.field("name", name)
            json.field("description", description)
            json.field("category", category.rawValue)
            json.field("is_global", isGlobal)
            json.field("organisation", organisationID)
            json.field("organisation_name", organisationName)
            json.field("team", teamID)
            json.field("team_name", teamName)
            json.field("options", options)
            json.field("tags", tags)
            json.field("version", version)
            json.field("is_active", isActive)
            json.field("is_editable", isEditable)
            json.field("can_publish", canPublish)
            json.field("created_at", createdAt)
            json.field("updated_at", updatedAt)
        }
    }
}
