/// A name of the policy's open vocabulary (a resource type, a verb, a decision code): a string
/// that plugins extend with their own static members.
///
/// Written as string literals, names are small strings, so two equal names compare by their bits
/// on the decision path.
public protocol Name: RawRepresentable<String>, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    init(rawValue: String)
}

extension Name {
    @inlinable
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public var description: String { rawValue }
}
