/// The resource half of an action (`survey` in `survey.retrieve`); open, so a plugin can add its own.
public struct ResourceType: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as it appears in an action string.
    public let rawValue: String

    @inlinable
    public init(rawValue: String) { self.rawValue = rawValue }

    @inlinable
    public init(stringLiteral value: StaticString) { self.rawValue = value.description }

    public var description: String { rawValue }

    /// Equal names. Names of different lengths, the usual case when a lookup compares two, are
    /// told apart without comparing characters.
    @inlinable
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue.utf8.count == rhs.rawValue.utf8.count && lhs.rawValue == rhs.rawValue
    }

    /// Surveys (the surveys plugin).
    public static let survey: ResourceType = "survey"
    /// Datasets (the datasets plugin).
    public static let dataset: ResourceType = "dataset"
    /// Question-group templates (the templates plugin).
    public static let template: ResourceType = "template"
    /// The organisation user directory.
    public static let user: ResourceType = "user"
    /// API keys (issuance and revocation).
    public static let key: ResourceType = "key"
}
