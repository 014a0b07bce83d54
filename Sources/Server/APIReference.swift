import Foundation

/// An OpenAPI document read for display: its operations and schemas with every `$ref`
/// resolved to plain text, ready for ``APIReferencePage`` to render as HTML.
struct APIReference: Sendable {
    /// One documented method on one path.
    struct Operation: Sendable {
        var method: String
        var path: String
        var tags: [String]
        var summary: String
        var description: String
        /// How the operation authenticates, e.g. "Bearer key or authtoken session required".
        var security: String
        var parameters: [Parameter]
        /// Media type and schema of the request body, e.g. "application/json: SurveyCreate"; empty
        /// when the operation takes none.
        var requestBody: String
        var responses: [Response]
    }

    /// One query or path parameter.
    struct Parameter: Sendable {
        var name: String
        var location: String
        var required: Bool
        var type: String
        var description: String
    }

    /// One documented response status.
    struct Response: Sendable {
        var status: String
        var description: String
        /// Media type and schema, e.g. "application/json: Survey".
        var body: String
        var headers: [String]
    }

    /// One named schema and its fields.
    struct Schema: Sendable {
        var name: String
        var type: String
        var fields: [Parameter]
    }

    var title: String
    var version: String
    var description: String
    /// Tag names with their descriptions, in document order.
    var tags: [(name: String, description: String)]
    /// Sorted by path, then method.
    var operations: [Operation]
    var schemas: [Schema]

    /// Reads the OpenAPI JSON text `json`; nil unless it is a JSON object.
    init?(json: String) {
        guard let document = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return nil
        }
        let reader = Reader(document: document)
        let info = document["info"] as? [String: Any] ?? [:]
        title = info["title"] as? String ?? "API"
        version = info["version"] as? String ?? ""
        description = info["description"] as? String ?? ""
        tags = (document["tags"] as? [[String: Any]] ?? []).map { (name: $0["name"] as? String ?? "", description: $0["description"] as? String ?? "") }
        operations = reader.operations()
        schemas = reader.schemas()
    }

    /// Turns the untyped JSON into the display types.
    private struct Reader {
        let document: [String: Any]

        static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

        func operations() -> [Operation] {
            let paths = document["paths"] as? [String: Any] ?? [:]
            let defaultSecurity = document["security"] as? [[String: Any]] ?? []
            return paths.keys.sorted().flatMap { path -> [Operation] in
                let item = paths[path] as? [String: Any] ?? [:]
                return Self.methods.compactMap { method -> Operation? in
                    guard let operation = item[method] as? [String: Any] else { return nil }
                    return Operation(
                        method: method.uppercased(),
                        path: path,
                        tags: operation["tags"] as? [String] ?? [],
                        summary: operation["summary"] as? String ?? "",
                        description: operation["description"] as? String ?? "",
                        security: Self.security(operation["security"] as? [[String: Any]] ?? defaultSecurity),
                        parameters: (operation["parameters"] as? [Any] ?? []).map(parameter),
                        requestBody: content(resolve(operation["requestBody"] ?? [:])),
                        responses: (operation["responses"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
                            .map { response(status: $0.key, $0.value) }
                    )
                }
            }
        }

        func schemas() -> [Schema] {
            let components = document["components"] as? [String: Any] ?? [:]
            let schemas = components["schemas"] as? [String: Any] ?? [:]
            return schemas.keys.sorted().map { name in
                let schema = schemas[name] as? [String: Any] ?? [:]
                let required = Set(schema["required"] as? [String] ?? [])
                let properties = schema["properties"] as? [String: Any] ?? [:]
                // Keep the order of `required` (the field order of the API), then any others.
                let order = (schema["required"] as? [String] ?? []) + properties.keys.sorted().filter { !required.contains($0) }
                let fields = order.map { field in
                    let property = properties[field] as? [String: Any] ?? [:]
                    return Parameter(
                        name: field, location: "", required: required.contains(field),
                        type: typeText(property), description: property["description"] as? String ?? ""
                    )
                }
                return Schema(name: name, type: typeText(schema), fields: fields)
            }
        }

        /// Display names of the document's security schemes.
        static let schemeNames = ["bearerAuth": "Bearer key", "sessionToken": "authtoken session", "serviceCredential": "service credential"]

        /// "none", or the accepted credentials and whether they are required, e.g. "Bearer key
        /// or authtoken session optional".
        static func security(_ requirements: [[String: Any]]) -> String {
            if requirements.isEmpty { return "none" }
            let names = requirements.flatMap { $0.keys.sorted() }.map { schemeNames[$0] ?? $0 }
            return names.joined(separator: " or ") + (requirements.contains(where: \.isEmpty) ? " optional" : " required")
        }

        func parameter(_ value: Any) -> Parameter {
            let parameter = resolve(value)
            let schema = parameter["schema"] as? [String: Any] ?? [:]
            return Parameter(
                name: parameter["name"] as? String ?? "",
                location: parameter["in"] as? String ?? "",
                required: parameter["required"] as? Bool ?? false,
                type: typeText(schema),
                description: parameter["description"] as? String ?? ""
            )
        }

        func response(status: String, _ value: Any) -> Response {
            let response = resolve(value)
            let body = content(response)
            let headers = (response["headers"] as? [String: Any] ?? [:]).keys.sorted()
            return Response(status: status, description: response["description"] as? String ?? "", body: body, headers: headers)
        }

        /// "media type: schema" for each content type of a response or request body.
        func content(_ object: [String: Any]) -> String {
            let content = object["content"] as? [String: Any] ?? [:]
            return content.keys.sorted().map { mediaType in
                let schema = (content[mediaType] as? [String: Any])?["schema"] as? [String: Any] ?? [:]
                return "\(mediaType): \(typeText(schema))"
            }.joined(separator: "; ")
        }

        /// A short type description: a referenced schema's name, `array of X`, `X | Y`, enums.
        func typeText(_ schema: [String: Any]) -> String {
            if let reference = schema["$ref"] as? String {
                return String(reference.split(separator: "/").last ?? "")
            }
            if let choices = schema["oneOf"] as? [[String: Any]] {
                return choices.map(typeText).joined(separator: " | ")
            }
            var text: String
            if let types = schema["type"] as? [String] {
                text = types.joined(separator: " | ")
            } else if let type = schema["type"] as? String {
                text = type == "array" ? "array of " + typeText(schema["items"] as? [String: Any] ?? [:]) : type
            } else {
                text = "any"
            }
            if let format = schema["format"] as? String { text += " (\(format))" }
            if let values = schema["enum"] as? [Any] {
                text += ": " + values.map { $0 is NSNull ? "null" : "\($0)" }.joined(separator: ", ")
            }
            return text
        }

        /// `value` with a `$ref` into this document replaced by its target.
        func resolve(_ value: Any) -> [String: Any] {
            guard let object = value as? [String: Any] else { return [:] }
            guard let reference = object["$ref"] as? String, reference.hasPrefix("#/") else { return object }
            var target: Any = document
            for component in reference.dropFirst(2).split(separator: "/") {
                target = (target as? [String: Any])?[String(component)] ?? [:]
            }
            return target as? [String: Any] ?? [:]
        }
    }
}
