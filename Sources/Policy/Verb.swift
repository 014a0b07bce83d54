/// The verb half of an action (`retrieve` in `survey.retrieve`); open, so a plugin can add its own.
public struct Verb: Name {
    /// The name as it appears in an action string.
    public let rawValue: String

    @inlinable
    public init(rawValue: String) { self.rawValue = rawValue }

    /// List a collection (filtered by a ``VisibilityPredicate``).
    public static let list: Verb = "list"
    /// Read one object.
    public static let retrieve: Verb = "retrieve"
    /// Read aggregate metrics of one object.
    public static let metrics: Verb = "metrics"
    /// Create an object.
    public static let create: Verb = "create"
    /// Update an object.
    public static let update: Verb = "update"
    /// Delete an object.
    public static let delete: Verb = "delete"
    /// Issue a key.
    public static let issue: Verb = "issue"
    /// Revoke a key.
    public static let revoke: Verb = "revoke"
}

extension Verb {
    /// The key capability a verb needs by default: `view` to read, `add` to create, `edit` to
    /// update, `delete` to delete; `nil` for verbs without a default (rule sets decide).
    @inlinable
    public var requiredCapability: Capability? {
        if self == .list || self == .retrieve || self == .metrics { return .view }
        if self == .create { return .add }
        if self == .update { return .edit }
        if self == .delete { return .delete }
        return nil
    }
}
