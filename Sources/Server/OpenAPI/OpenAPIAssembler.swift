import Foundation
import JSON
import PluginKit

/// Assembles the OpenAPI 3.1 document of what is mounted (SPEC §4 Public: `GET /api/schema`),
/// once, when the router is built: the server's frame and shared components
/// (``CoreOpenAPI``), each plugin's tag and components, and the operation every route carries
/// (`RouteTable.operations`). Nothing is hand-kept beside the routes: a route without an
/// operation is missing from the document, which the schema tests catch.
enum OpenAPIAssembler {
    /// The document as JSON text (keys sorted, so the same routes give the same bytes).
    static func document(operations: [String: [String: JSONValue]], plugins: [any ResourcePlugin]) -> String {
        var document = CoreOpenAPI.frame.members
        var tags: [JSONValue] = []
        if case .array(let own) = document["tags"] { tags = own }
        document["tags"] = .array(tags + plugins.map(\.openAPITag.value))
        var components: [String: [String: JSONValue]] = [:]
        let fragments = [CoreOpenAPI.components] + plugins.map(\.openAPIComponents)
        for fragment in fragments {
            for (section, value) in fragment.members {
                guard case .object(let entries) = value else { continue }
                for (name, entry) in entries {
                    precondition(components[section]?[name] == nil, "OpenAPI components.\(section).\(name) is defined twice")
                    components[section, default: [:]][name] = entry
                }
            }
        }
        document["components"] = .object(components.mapValues { .object($0) })
        document["paths"] = .object(operations.mapValues { .object($0) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(JSONValue.object(document)) else {
            preconditionFailure("the OpenAPI document cannot be encoded")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
