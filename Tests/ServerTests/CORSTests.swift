import Foundation
import Hummingbird
import Server
import ServerTestSupport
import Testing

/// CORS (SPEC §7): off by default; `CORS_ALLOWED_ORIGINS` allows exactly those origins, with
/// preflight answered for them and refused for others.
@Suite struct CORSTests {
    static let allowed = "https://app.example.com"

    @Test func allowedOriginsGetHeadersOthersDoNot() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client(settings: APISettings(corsAllowedOrigins: [Self.allowed, "http://localhost:3000"])) { client in
                let ok = try await client.send("/api/surveys/", key: key, headers: [.origin: Self.allowed])
                #expect(ok.status == .ok)
                #expect(ok.headers[.accessControlAllowOrigin] == Self.allowed)
                #expect(ok.headers[values: .vary].contains("Origin"))
                #expect(ok.headers[.accessControlExposeHeaders]?.contains("RateLimit-Remaining") == true)
                #expect(ok.headers[.accessControlAllowCredentials] == nil)
                // Errors are readable by the page too.
                let refused = try await client.send("/api/surveys/", headers: [.origin: Self.allowed])
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.accessControlAllowOrigin] == Self.allowed)

                for origin in ["https://evil.example.com", "https://app.example.com.evil.com", "null", "HTTPS://APP.EXAMPLE.COM"] {
                    let reply = try await client.send("/api/surveys/", key: key, headers: [.origin: origin])
                    #expect(reply.status == .ok, "\(origin)")
                    #expect(reply.headers[.accessControlAllowOrigin] == nil, "\(origin)")
                }

                let preflight = try await client.send("/api/surveys/1/", method: .options, headers: [
                    .origin: Self.allowed, .accessControlRequestMethod: "PATCH", .accessControlRequestHeaders: "authorization, content-type",
                ])
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowOrigin] == Self.allowed)
                #expect(preflight.headers[.accessControlAllowMethods]?.contains("PATCH") == true)
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("authtoken") == true)
                #expect(preflight.headers[.accessControlMaxAge] == "600")
                #expect(preflight.headers[.contentSecurityPolicy] != nil, "security headers on every answer")

                let foreign = try await client.send("/api/surveys/1/", method: .options, headers: [
                    .origin: "https://evil.example.com", .accessControlRequestMethod: "DELETE",
                ])
                #expect(foreign.status == .forbidden)
                #expect(foreign.headers[.accessControlAllowOrigin] == nil)
                #expect(foreign.object["code"] as? String == "CORS_ORIGIN_NOT_ALLOWED")

                // A plain OPTIONS (not a preflight) is still the router's 204 with Allow.
                let plain = try await client.send("/api/surveys/", method: .options)
                #expect(plain.status == .noContent)
                #expect(plain.headers[.allow] == "GET, HEAD, POST, OPTIONS")
            }
        }
    }

    @Test func offByDefault() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                let reply = try await client.send("/api/datasets/", headers: [.origin: Self.allowed])
                #expect(reply.status == .ok)
                #expect(reply.headers[.accessControlAllowOrigin] == nil)
                let preflight = try await client.send("/api/datasets/", method: .options, headers: [
                    .origin: Self.allowed, .accessControlRequestMethod: "GET",
                ])
                #expect(preflight.headers[.accessControlAllowOrigin] == nil)
                #expect(preflight.headers[.accessControlAllowMethods] == nil)
            }
        }
    }
}
