import JSON

/// A piece of the OpenAPI document — an operation, a tag, components — written as JSON beside
/// the code it describes and parsed once, when first used at start-up.
///
/// Routes carry their operation (`PluginRoutes.get(_:documented:use:)`), plugins their tag and
/// components (``ResourcePlugin``); the server assembles the document from what is mounted.
public struct OpenAPIFragment: Sendable, ExpressibleByStringLiteral {
    /// The fragment as a JSON value.
    public let value: JSONValue

    /// Parses `json`; text that is not a JSON object is a programming error (the schema tests
    /// serve the assembled document, so it cannot ship).
    public init(stringLiteral json: String) {
        guard let value = try? JSONValue.parse(Array(json.utf8)), case .object = value else {
            preconditionFailure("an OpenAPI fragment is not a JSON object: \(json.prefix(80))")
        }
        self.value = value
    }

    /// The fragment's members (empty for a non-object, which `init` refuses).
    public var members: [String: JSONValue] {
        if case .object(let members) = value { return members }
        return [:]
    }
}
