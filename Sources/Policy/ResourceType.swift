/// The resource half of an action (`survey` in `survey.retrieve`); open, so a plugin can add its own.
public struct ResourceType: Name {
    /// The name as it appears in an action string.
    public let rawValue: String

    @inlinable
    public init(rawValue: String) { self.rawValue = rawValue }

    /// API keys (issuance and revocation), the one resource type the engine itself knows.
    public static let key: ResourceType = "key"
}
