import Foundation
import Hummingbird
import Server
import ServerTestSupport
import Testing

/// Every served path, with every query parameter the OpenAPI document gives it, fed hostile
/// values: never a 5xx, every refusal a JSON `{"detail"}`, and the database unchanged.
@Suite struct BadInputBatteryTests {
    /// Path segments in place of `{id}`-style parameters.
    static let badSegments = [
        "abc", "0", "-1", "1.5", "1e3", "99999999999999999999999999", "9223372036854775808", "%00", "%FF",
        "%C3%28", "%ED%A0%80", "%27%20OR%201%3D1--", "%27%3B%20DROP%20TABLE%20users%3B--", "..%2F..%2Fetc%2Fpasswd",
        String(repeating: "9", count: 5000),
    ]
    /// Query values for every documented parameter (and an undocumented one).
    static let badValues = [
        "", "%FF", "%C3%28", "%00", "%ED%A0%80", "99999999999999999999999999", "-99999999999999999999", "1e309",
        "NaN", "%27%20OR%20%271%27%3D%271", "1%3B%20DROP%20TABLE%20surveys%3B--", "%25", "_", "%5C",
        "a%26b%3Dc", String(repeating: "x", count: 10000),
    ]

    @Test func hostileInputIsNeverA5xxAndChangesNothing() async throws {
        try await ServerWorld.with { world in
            let owner = try await world.user("owner", tier: .enterprise)
            let org = try await world.organisation("acme", owner: owner, members: [(owner, "admin")])
            try await world.survey("s1", owner: owner, organisation: org, members: [(owner, "creator")])
            let key = try await world.key(for: owner, capabilities: ["view", "add", "edit", "delete", "superuser"])
            try await world.pool.execute("UPDATE api_keys SET organisation_id = \(org)")

            let document = SchemaTests.object(try await world.client { client in try await client.send("/api/schema").text })
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var entries: [(template: String, methods: [HTTPRequest.Method])] = []
            for route in world.routes {
                let template = route.routerPath.description
                if let index = entries.firstIndex(where: { $0.template == template }) {
                    entries[index].methods.append(route.method)
                } else {
                    entries.append((template, [route.method]))
                }
            }
            #expect(entries.count >= 10)

            // Warm the key (so nothing it does on first use counts as a change), then fingerprint.
            _ = try await world.client { client in try await client.send("/api/surveys/", key: key) }
            let before = try await world.fingerprint()
            #expect(before.count == 32)

            var cases: [(HTTPRequest.Method, String)] = []
            for entry in entries {
                let template = entry.template
                let documented = paths.first { RouterPath($0.key).description == template }?.value
                let parameters = Self.queryParameters(documented, in: document) + ["unknown"]
                let wellFormed = template.replacingOccurrences(of: #"\{[^}]*\}"#, with: "1", options: .regularExpression)
                for uri in Self.uris(template, parameters: parameters) {
                    for method in entry.methods + [.delete, .put, .patch] {
                        // A DELETE of a real object is no hostile input: it deletes (bodiless
                        // POST/PUT/PATCH are refused for want of a body, so they stay).
                        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
                        if method == .delete, path == wellFormed { continue }
                        // Nor is revoking or rolling the presenting key, whatever the query
                        // string: a bodiless roll is well-formed (24 hours' grace), and rolls.
                        if template.hasPrefix("/api/keys/current/"), method == .post || method == .delete { continue }
                        cases.append((method, uri))
                    }
                }
            }
            let requests = try await world.client { [cases] client in
                var requests = 0
                for (method, uri) in cases {
                    for credential in [key, nil, "ct_live_" + String(repeating: "A", count: 300)] {
                        let reply = try await client.send(uri, method: method, key: credential)
                        requests += 1
                        #expect(reply.status.code < 500, "\(method) \(uri) → \(reply.status)")
                        guard reply.status.code >= 400 else { continue }
                        #expect(reply.headers[.contentType] == "application/json", "\(method) \(uri)")
                        // The token endpoint answers as OAuth does (RFC 6749 §5.2), everything else `detail`.
                        let explained = reply.detail?.isEmpty == false || uri.hasPrefix("/oauth/") && reply.object["error_description"] is String
                        #expect(explained, "\(method) \(uri): \(reply.text.prefix(200))")
                    }
                }
                return requests
            }
            #expect(requests > 1000)
            #expect(try await world.fingerprint() == before)
        }
    }

    /// Every URI to try for one path: each bad segment in each parameter slot, and each bad value
    /// in each query parameter (with good path segments).
    static func uris(_ template: String, parameters: [String]) -> [String] {
        let segments = template.split(separator: "/", omittingEmptySubsequences: false)
        let slots = segments.indices.filter { segments[$0].hasPrefix("{") || segments[$0].hasPrefix(":") }
        func path(_ replace: (Int) -> String) -> String {
            segments.indices.map { slots.contains($0) ? replace($0) : String(segments[$0]) }.joined(separator: "/")
        }
        let good = path { _ in "1" }
        var uris: [String] = []
        for slot in slots {
            for bad in badSegments { uris.append(path { $0 == slot ? bad : "1" }) }
        }
        for name in parameters {
            for value in badValues { uris.append("\(good)?\(name)=\(value)") }
            uris.append("\(good)?\(name)=1&\(name)=2")
        }
        uris.append("\(good)?%FF=1")
        return uris
    }

    /// The query parameter names a documented path item declares, `$ref`s resolved.
    static func queryParameters(_ item: [String: Any]?, in document: [String: Any]) -> [String] {
        let operations = (item ?? [:]).values.compactMap { $0 as? [String: Any] }
        let parameters = operations.flatMap { ($0["parameters"] as? [[String: Any]]) ?? [] }
        let components = (document["components"] as? [String: Any])?["parameters"] as? [String: [String: Any]] ?? [:]
        let resolved = parameters.map { parameter -> [String: Any] in
            guard let reference = parameter["$ref"] as? String else { return parameter }
            return components[String(reference.split(separator: "/").last ?? "")] ?? [:]
        }
        return Array(Set(resolved.filter { $0["in"] as? String == "query" }.compactMap { $0["name"] as? String })).sorted()
    }

}
