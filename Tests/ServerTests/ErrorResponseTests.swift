import Foundation
import Hummingbird
import ServerTestSupport
import Testing

/// JSON errors under /api/, 405 with Allow, bad ids and parameters, security headers.
@Suite struct ErrorResponseTests {
    @Test func unknownPathsAreJSON404() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client { client in
                for uri in ["/api/nope", "/api/surveys/1/nope/", "/api/", "/elsewhere"] {
                    for reply in [try await client.send(uri), try await client.send(uri, key: key)] {
                        #expect(reply.status == .notFound, "\(uri)")
                        #expect(reply.headers[.contentType] == "application/json", "\(uri)")
                        #expect(reply.detail == "Not found.", "\(uri)")
                    }
                }
            }
        }
    }

    @Test func wrongMethodsAre405WithAllow() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client { client in
                for (method, uri, allow) in [(HTTPRequest.Method.post, "/api/surveys/1/", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
                                             (.delete, "/api/surveys/", "GET, HEAD, POST, OPTIONS"),
                                             (.put, "/api/surveys/1/metrics/responses/", "GET, HEAD, OPTIONS"),
                                             (.patch, "/api/health", "GET, HEAD, OPTIONS"), (.trace, "/api/surveys/", "GET, HEAD, POST, OPTIONS")] {
                    let reply = try await client.send(uri, method: method, key: key)
                    #expect(reply.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(reply.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(reply.detail == "Method \"\(method.rawValue)\" not allowed.")
                }
                let options = try await client.send("/api/surveys/", method: .options)
                #expect(options.status == .noContent)
                #expect(options.headers[.allow] == "GET, HEAD, POST, OPTIONS")
                let head = try await client.send("/api/surveys/", method: .head, key: key)
                #expect(head.status == .ok)
                #expect(head.text.isEmpty)
            }
        }
    }

    @Test func malformedIdsAre404NeverA500() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            let ids = ["abc", "0", "-1", "+1", "1.5", "1e3", "99999999999999999999", "9223372036854775808",
                       "%00", "1%20", "%27%3B%20DROP%20TABLE%20surveys%3B--", "%C3%28", "%FF"]
            try await world.client { client in
                for id in ids {
                    for uri in ["/api/surveys/\(id)/", "/api/surveys/\(id)/metrics/responses/"] {
                        let reply = try await client.send(uri, key: key)
                        #expect(reply.status == .notFound, "\(uri)")
                        #expect(reply.detail == "Not found.", "\(uri)")
                    }
                }
                // The largest Int64 is a well-formed id that names nothing.
                let reply1 = try await client.send("/api/surveys/9223372036854775807/", key: key)
                #expect(reply1.status == .notFound)
                // A path whose id is no id is unknown whatever the credentials: no key, a bad
                // key, a key that could not read the list (SPEC §3).
                let unknownKey = try KeyFormatSample.wellFormedUnknown()
                for uri in ["/api/surveys/abc/", "/api/question-group-templates/abc/", "/api/user/abc/", "/api/surveys/0/metrics/responses/"] {
                    for credentials in [nil, unknownKey, "not-a-key"] {
                        let reply = try await client.send(uri, key: credentials)
                        #expect(reply.status == .notFound, "\(uri) with \(credentials ?? "no key")")
                    }
                }
                #expect(try await client.send("/api/surveys/abc/", method: .delete, key: unknownKey).status == .notFound)
            }
            let surveyCount = try await world.pool.query("SELECT count(*) FROM surveys")[0].decode(Int.self, at: 0)
            #expect(surveyCount == 0)
        }
    }

    @Test func badPagingParametersAre400() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client { client in
                for query in ["limit=abc", "limit=0", "limit=-1", "limit=1001", "offset=-1", "offset=x",
                              "limit=99999999999999999999", "limit=5&limit=6", "limit=%FF", "limit=1%27%20OR%201=1"] {
                    let reply = try await client.send("/api/surveys/?\(query)", key: key)
                    #expect(reply.status == .badRequest, "\(query)")
                    #expect(reply.object["code"] as? String == "INVALID_PARAMETER", "\(query)")
                    #expect(reply.detail?.contains("'limit'") == true || reply.detail?.contains("'offset'") == true, "\(query)")
                }
            }
        }
    }

    @Test func securityHeadersOnEveryResponse() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client { client in
                let replies = [
                    try await client.send("/api/health"),
                    try await client.send("/api/surveys/", key: key),
                    try await client.send("/api/surveys/"),
                    try await client.send("/api/surveys/", key: "ct_live_bad"),
                    try await client.send("/api/nope"),
                    try await client.send("/api/surveys/", method: .post, key: key),
                    try await client.send("/api/surveys/?limit=x", key: key),
                ]
                for reply in replies {
                    #expect(reply.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "\(reply.status)")
                    #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(reply.status)")
                    #expect(reply.headers[.server] == nil, "\(reply.status)")
                }
            }
        }
    }
}
