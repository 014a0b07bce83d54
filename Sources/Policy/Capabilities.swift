/// The set of capabilities an API key carries; the default for a new key is `[.view]`.
public struct Capabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Read resources.
    public static let view = Capabilities(rawValue: 1 << 0)
    /// Create resources.
    public static let add = Capabilities(rawValue: 1 << 1)
    /// Update resources.
    public static let edit = Capabilities(rawValue: 1 << 2)
    /// Delete resources.
    public static let delete = Capabilities(rawValue: 1 << 3)
    /// Manage the organisation's user directory.
    public static let superuser = Capabilities(rawValue: 1 << 4)

    /// No capability at all.
    public static let none: Capabilities = []
    /// Every capability.
    public static let all: Capabilities = [.view, .add, .edit, .delete, .superuser]
    /// The default of a newly issued key.
    public static let `default`: Capabilities = [.view]

    /// The set holding exactly `capability`.
    @inlinable
    public init(_ capability: Capability) {
        switch capability {
        case .view: self = .view
        case .add: self = .add
        case .edit: self = .edit
        case .delete: self = .delete
        case .superuser: self = .superuser
        }
    }

    /// Whether the set holds `capability`.
    @inlinable
    public func contains(_ capability: Capability) -> Bool {
        contains(Capabilities(capability))
    }
}
