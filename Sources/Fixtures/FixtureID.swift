/// The database id of an imported item: a number (users, organisations, teams, surveys,
/// templates) or a string (dataset keys, key and service credential uuids).
public enum FixtureID: Sendable, Hashable, Encodable {
    case number(Int64)
    case text(String)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let id): try container.encode(id)
        case .text(let id): try container.encode(id)
        }
    }

    /// The id when it is a number.
    public var number: Int64? {
        if case .number(let id) = self { return id }
        return nil
    }

    /// The id when it is a string.
    public var text: String? {
        if case .text(let id) = self { return id }
        return nil
    }
}
