import PluginKit
import Policy
import DatasetsPolicy

/// The writable fields of a dataset (SPEC §4 writes), read from a request body onto defaults
/// (create) or onto the stored dataset (`PUT`, `PATCH`). `version` is the server's: it starts at
/// 1 and grows by one with every update.
struct DatasetDraft: Sendable, WriteDraft {
    var key = ""
    var name = ""
    var description = ""
    var category = DatasetCategory.userCreated
    var isGlobal = false
    var organisationID: Int64?
    var teamID: Int64?
    var options: [String] = []
    var tags: [String] = []
    var isActive = true

    /// Every field a body may carry (`key` only on create).
    static let fields: Set<String> = [
        "key", "name", "description", "category", "is_global", "organisation", "team", "options", "tags", "is_active",
    ]

    /// Keys that would shadow a route.
    static let reservedKeys: Set<String> = ["available-tags"]

    init() {}

    init(_ dataset: DatasetRecord) {
        key = dataset.key
        name = dataset.name
        description = dataset.description
        category = dataset.category
        isGlobal = dataset.isGlobal
        organisationID = dataset.organisationID
        teamID = dataset.teamID
        options = dataset.options
        tags = dataset.tags
        isActive = dataset.isActive
    }

    /// Applies the fields `body` carries; 400 naming the first bad one.
    mutating func apply(_ body: JSONObjectBody) throws {
        try body.string("key", into: &key, maxLength: 100, matching: { DatasetRecord.isWellFormedKey($0) && !Self.reservedKeys.contains($0) },
                        problem: "must start with a lowercase letter or digit and hold only lowercase letters, digits, '-' and '_'")
        try body.string("name", into: &name, maxLength: 200)
        try body.string("description", into: &description)
        try body.choice("category", into: &category)
        try body.bool("is_global", into: &isGlobal)
        try body.optionalID("organisation", into: &organisationID)
        try body.optionalID("team", into: &teamID)
        try body.strings("options", into: &options)
        try body.strings("tags", into: &tags, maxCount: 100, maxLength: 100)
        try body.bool("is_active", into: &isActive)
        if name.allSatisfy(\.isWhitespace) { throw JSONBody.invalid("'name' must not be blank") }
    }

    /// The facts the write rule judges for a dataset as this draft describes it, by `createdBy`.
    func facts(createdBy: Int64?) -> DatasetFacts {
        DatasetFacts(key: key, category: category, isGlobal: isGlobal, organisationID: organisationID, teamID: teamID,
                     createdBy: createdBy, isActive: isActive)
    }
}
