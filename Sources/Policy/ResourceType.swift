/// The resource half of an action (`survey` in `survey.retrieve`); open, so a plugin can add its own.
public struct ResourceType: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The name as it appears in an action string.
    public let rawValue: String

    @inlinable
    public init(rawValue: String) { self.rawValue = rawValue }

    @inlinable
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// Equal names. Names of different lengths, the usual case when a lookup compares two, are
    /// told apart without comparing characters.
    @inlinable
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue.utf8.count == rhs.rawValue.utf8.count && lhs.rawValue == rhs.rawValue
    }

    /// API keys (issuance and revocation), the one resource type the engine itself knows.
    public static let key: ResourceType = "key"
}
