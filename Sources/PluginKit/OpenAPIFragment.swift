import JSON

/// A piece of the OpenAPI document — an operation, a tag, components — written as JSON beside
/// the code it describes and parsed once, when first used at start-up.
///
/// Routes carry their operation (`RouteTable.on(_:method:_:documented:through:use:)`), plugins their tag and
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

extension OpenAPIFragment {
    /// A fragment holding `value`.
    public init(_ value: JSONValue) {
        self.value = value
    }
}

/// A module's part of the OpenAPI document: the `openapi.json` beside its sources, embedded in
/// the executable at build time (`Tools/OpenAPIPlugin`) and read once at start-up. Plugins keep
/// their `tag`, `components` and `operations` (by `operationId`) there.
public struct OpenAPIPart: Sendable {
    /// The file's top-level members.
    public let members: [String: JSONValue]

    /// Parses the embedded file; one that is not a JSON object is a programming error.
    public init(json: String) {
        members = OpenAPIFragment(stringLiteral: json).members
    }

    /// The top-level member `name` (e.g. `tag`, `components`); a missing one is a programming error.
    public subscript(_ name: String) -> OpenAPIFragment {
        guard let value = members[name] else { preconditionFailure("openapi.json has no '\(name)'") }
        return OpenAPIFragment(value)
    }

    /// The operation whose `operationId` is `id`, to register with its route.
    public func operation(_ id: String) -> OpenAPIFragment {
        guard case .object(let operations)? = members["operations"], let operation = operations[id] else {
            preconditionFailure("openapi.json has no operation '\(id)'")
        }
        return OpenAPIFragment(operation)
    }
}
