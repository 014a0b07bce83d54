import Foundation
import Hummingbird
import Server
import ServerTestSupport
import Testing

/// The OpenAPI document against the router, and its JSON and HTML renderings.
@Suite struct SchemaTests {
    /// Every registered path and method is documented, and every documented one is registered.
    @Test func documentMatchesTheRouter() async throws {
        try await ServerWorld.with { world in
            var served: [String: Set<String>] = [:]
            for route in world.routes {
                served[route.routerPath.description, default: []].insert(route.method.rawValue)
            }
            let document = Self.object(try await world.client { client in try await client.send("/api/schema").text })
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: [String: Set<String>] = [:]
            let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            for (path, item) in paths {
                // The router ignores a trailing slash; compare paths as it sees them.
                let key = RouterPath(path).description
                #expect(documented[key] == nil, "\(path) documented twice")
                documented[key] = Set(item.keys.filter(methods.contains).map { $0.uppercased() })
            }
            #expect(!served.isEmpty)
            for (path, methods) in served {
                #expect(documented[path] == methods, "served \(path) \(methods.sorted()), documented \(documented[path]?.sorted() ?? [])")
            }
            for path in documented.keys where served[path] == nil {
                Issue.record("\(path) is documented but not served")
            }
        }
    }

    /// Every `$ref` names something in the document.
    @Test func referencesResolve() async throws {
        try await ServerWorld.with { world in
            let document = Self.object(try await world.client { client in try await client.send("/api/schema").text })
            var references: [String] = []
            func collect(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let reference = object["$ref"] as? String { references.append(reference) }
                    object.values.forEach(collect)
                } else if let array = value as? [Any] {
                    array.forEach(collect)
                }
            }
            collect(document)
            #expect(!references.isEmpty)
            for reference in references {
                #expect(reference.hasPrefix("#/"), "\(reference)")
                var target: Any? = document
                for component in reference.dropFirst(2).split(separator: "/") {
                    target = (target as? [String: Any])?[String(component)]
                }
                #expect(target is [String: Any], "\(reference) does not resolve")
            }
        }
    }

    @Test func schemaIsOpenAPI31JSON() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                let plain = try await client.send("/api/schema")
                #expect(plain.status == .ok)
                #expect(plain.headers[.contentType] == "application/json")
                #expect((plain.object["openapi"] as? String)?.hasPrefix("3.1") == true)
                let schemes = (plain.object["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
                #expect((schemes?["bearerAuth"] as? [String: Any])?["scheme"] as? String == "bearer")

                let explicit = try await client.send("/api/schema?format=openapi-json")
                #expect(explicit.status == .ok)
                #expect(explicit.text == plain.text)

                for uri in ["/api/schema?format=yaml", "/api/schema?format=", "/api/schema?format=openapi-json&format=openapi-json"] {
                    let reply = try await client.send(uri)
                    #expect(reply.status == .badRequest, "\(uri)")
                    #expect(reply.headers[.contentType] == "application/json", "\(uri)")
                    #expect(reply.detail?.contains("format") == true, "\(uri)")
                }
            }
        }
    }

    @Test func htmlReferencesListEveryPathWithoutScripts() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                let document = try await client.send("/api/schema").object
                let paths = try #require(document["paths"] as? [String: Any])
                for uri in ["/api/docs", "/api/redoc"] {
                    let reply = try await client.send(uri)
                    #expect(reply.status == .ok, "\(uri)")
                    #expect(reply.headers[.contentType]?.hasPrefix("text/html") == true, "\(uri)")
                    for path in paths.keys {
                        #expect(reply.text.contains("<code>\(path)</code>"), "\(uri) lacks \(path)")
                    }
                    #expect(!reply.text.lowercased().contains("<script"), "\(uri)")
                    #expect(!reply.text.contains("style="), "\(uri)")
                    // Descriptions are escaped: the `{"detail": …}` of the introduction.
                    #expect(reply.text.contains("{&quot;detail&quot;: …}"), "\(uri)")
                    let policy = try #require(reply.headers[.contentSecurityPolicy], "\(uri)")
                    #expect(!policy.contains("unsafe-inline"), "\(uri)")
                    #expect(!policy.contains("unsafe-eval"), "\(uri)")
                    #expect(policy.contains("default-src 'none'"), "\(uri)")
                    #expect(policy.contains("script-src 'none'"), "\(uri)")
                    #expect(reply.text.contains(#"<link rel="stylesheet" href="/api/docs.css">"#), "\(uri)")
                    // Request bodies and every kind of credential are named.
                    #expect(reply.text.contains("Request body: application/json: SurveyCreate"), "\(uri)")
                    #expect(reply.text.contains("Authentication: Bearer key or authtoken session required"), "\(uri)")
                    #expect(reply.text.contains("Authentication: service credential required"), "\(uri)")
                }
                let stylesheet = try await client.send("/api/docs.css")
                #expect(stylesheet.status == .ok)
                #expect(stylesheet.headers[.contentType]?.hasPrefix("text/css") == true)
            }
        }
    }

    /// The documented fields of a survey and its metrics are exactly the ones served.
    @Test func surveyFieldsMatchTheDocument() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            let survey = try await world.survey("s1", owner: alice)
            try await world.client { client in
                let schemas = try #require(
                    (try await client.send("/api/schema").object["components"] as? [String: Any])?["schemas"] as? [String: Any])
                func required(_ name: String) -> Set<String> {
                    Set((schemas[name] as? [String: Any])?["required"] as? [String] ?? [])
                }
                let retrieved = try await client.send("/api/surveys/\(survey)/", key: key)
                #expect(Set(retrieved.object.keys) == required("Survey"))
                let metrics = try await client.send("/api/surveys/\(survey)/metrics/responses/", key: key)
                #expect(Set(metrics.object.keys) == required("SurveyResponseCounts"))
                let page = try await client.send("/api/surveys/?limit=1", key: key)
                #expect(Set(page.object.keys) == required("SurveyPage"))
            }
        }
    }

    /// `text` parsed as a JSON object (empty when it is not one).
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
