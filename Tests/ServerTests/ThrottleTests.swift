import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
@testable import Server
import ServerTestSupport
import Testing
import Vault

/// Throttling (SPEC §7): anonymous callers per IP, keys per key (sessions count against their
/// key), the legacy token endpoint per IP; `RateLimit-*` on every throttled answer; 429 with
/// `Retry-After`; `X-Forwarded-For` believed only from trusted proxies.
@Suite struct ThrottleTests {
    static func settings(anonymous: String = "3/min", user: String = "4/min", token: String = "2/min", proxies: [String] = []) -> APISettings {
        APISettings(
            throttle: ThrottleSettings(
                enabled: true, anonymous: ThrottleRate(parsing: anonymous)!, user: ThrottleRate(parsing: user)!,
                legacyToken: ThrottleRate(parsing: token)!),
            trustedProxies: proxies)
    }

    @Test func ratesParseLikeDjangoRestFramework() {
        #expect(ThrottleRate(parsing: "60/min") == ThrottleRate(limit: 60, seconds: 60))
        #expect(ThrottleRate(parsing: "5/m") == ThrottleRate(limit: 5, seconds: 60))
        #expect(ThrottleRate(parsing: "100/hour") == ThrottleRate(limit: 100, seconds: 3600))
        #expect(ThrottleRate(parsing: "2/10s") == ThrottleRate(limit: 2, seconds: 10))
        #expect(ThrottleRate(parsing: "1000/day") == ThrottleRate(limit: 1000, seconds: 86400))
        for bad in ["", "60", "/min", "0/min", "-1/min", "60/fortnight", "60/0s", "x/min", "60/min/s", "99999999999/min"] {
            #expect(ThrottleRate(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func anonymousCallersAreCountedAndRefusedWithHeaders() async throws {
        try await ServerWorld.with { world in
            try await world.client(settings: Self.settings()) { client in
                for remaining in [2, 1, 0] {
                    let reply = try await client.send("/api/datasets/")
                    #expect(reply.status == .ok)
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Limit")!] == "3")
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Remaining")!] == String(remaining))
                    // The IETF draft's structured fields beside the older trio.
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Policy")!]?.hasPrefix("\"anonymous\";q=3;w=") == true)
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit")!]?.hasPrefix("\"anonymous\";r=\(remaining);t=") == true)
                    let reset = Int(reply.headers[HTTPFields.Element.Name("RateLimit-Reset")!] ?? "") ?? 0
                    #expect((1...60).contains(reset))
                }
                let refused = try await client.send("/api/datasets/")
                #expect(refused.status == .tooManyRequests)
                #expect(refused.object["code"] as? String == "THROTTLED")
                #expect(refused.detail?.hasPrefix("Request was throttled.") == true)
                #expect(Int(refused.headers[.retryAfter] ?? "").map { (1...60).contains($0) } == true)
                #expect(refused.headers[HTTPFields.Element.Name("RateLimit-Remaining")!] == "0")
                // Errors of throttled routes carry the headers too (401 here: surveys need a key)...
                // ...but this caller is out of requests, so even that is 429.
                #expect(try await client.send("/api/surveys/").status == .tooManyRequests)
                // Health, the schema and the decision API's discovery document are not throttled.
                for path in ["/api/health", "/api/schema", "/.well-known/authzen-configuration"] {
                    let reply = try await client.send(path)
                    #expect(reply.status == .ok, "\(path)")
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Limit")!] == nil, "\(path)")
                }
            }
        }
    }

    @Test func keysAreCountedPerKeyWithTheirSessions() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice"), bob = try await world.user("bob")
            let aliceKey = try await world.key(for: alice), bobKey = try await world.key(for: bob)
            try await world.client(settings: Self.settings(anonymous: "100/min")) { client in
                let token = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(aliceKey)"}"#)
                    .object["token-id"] as? String ?? ""
                let session: HTTPFields = [HTTPFields.Element.Name("authtoken")!: token]
                #expect(try await client.send("/api/surveys/", key: aliceKey).headers[HTTPFields.Element.Name("RateLimit-Limit")!] == "4")
                #expect(try await client.send("/api/surveys/", headers: session).status == .ok)
                #expect(try await client.send("/api/surveys/999/", key: aliceKey).headers[HTTPFields.Element.Name("RateLimit-Remaining")!] == "1",
                        "a 404 counts and carries the headers")
                #expect(try await client.send("/api/surveys/", key: aliceKey).status == .ok)
                #expect(try await client.send("/api/surveys/", headers: session).status == .tooManyRequests)
                #expect(try await client.send("/api/surveys/", key: aliceKey).status == .tooManyRequests)
                // Bob's key has its own allowance.
                #expect(try await client.send("/api/surveys/", key: bobKey).status == .ok)
            }
        }
    }

    @Test func theLegacyTokenEndpointHasItsOwnLimit() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let key = try await world.key(for: alice)
            try await world.client(settings: Self.settings(anonymous: "100/min", token: "2/min")) { client in
                for _ in 0..<2 {
                    #expect(try await client.send("/api/token", method: .post, body: #"{"apikey":"\#(key)"}"#).status == .ok)
                }
                let refused = try await client.send("/api/token", method: .post, body: #"{"apikey":"\#(key)"}"#)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[HTTPFields.Element.Name("RateLimit-Limit")!] == "2")
                // Login itself is on the anonymous allowance.
                #expect(try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(key)"}"#).status == .ok)
            }
            let sessions = try await world.pool.query("SELECT count(*) FROM session_tokens")[0].decode(Int.self, at: 0)
            #expect(sessions == 3, "the throttled request started no session")
        }
    }

    // Windows, resets and separate identities: `SlidingWindowTests` (limits hold over any
    // window of their length, SPEC §7).

    @Test func throttlingOffAddsNothing() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                for _ in 0..<70 {
                    let reply = try await client.send("/api/datasets/")
                    #expect(reply.status == .ok)
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Limit")!] == nil)
                }
            }
        }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        try await ServerWorld.with { world in
            let forwarded = HTTPFields.Element.Name("X-Forwarded-For")!
            // The test client connects from 127.0.0.1: as a trusted proxy, each forwarded client
            // gets its own allowance; the rightmost untrusted hop is the client.
            try await world.client(settings: Self.settings(anonymous: "1/min", proxies: ["127.0.0.1", "10.0.0.9"]), over: .live) { client async throws in
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "203.0.113.5"]).status == .ok)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "203.0.113.5"]).status == .tooManyRequests)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "198.51.100.1, 203.0.113.6, 10.0.0.9"]).status == .ok)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "203.0.113.6"]).status == .tooManyRequests)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "spoofed, 203.0.113.7"]).status == .ok)
                // Without the header, the proxy itself is the client.
                #expect(try await client.send("/api/datasets/").status == .ok)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "not an address"]).status == .tooManyRequests)
            }
            // Not a trusted proxy: the header is ignored, so every request is 127.0.0.1's.
            try await world.client(settings: Self.settings(anonymous: "1/min", proxies: ["10.0.0.9"]), over: .live) { client async throws in
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "203.0.113.5"]).status == .ok)
                #expect(try await client.send("/api/datasets/", headers: [forwarded: "203.0.113.8"]).status == .tooManyRequests)
            }
        }
    }

    @Test func ipv6ClientsAreCountedByTheirSlash64() {
        #expect(ThrottleIdentity.client("2001:db8:1:2:aaaa::1") == ThrottleIdentity.client("2001:0db8:0001:0002:ffff:1:2:3"))
        #expect(ThrottleIdentity.client("2001:db8:1:2::1") == .address("2001:db8:1:2::/64"))
        #expect(ThrottleIdentity.client("2001:db8:1:3::1") != ThrottleIdentity.client("2001:db8:1:2::1"))
        #expect(ThrottleIdentity.client("fe80::1%eth0") == .address("fe80:0:0:0::/64"))
        #expect(ThrottleIdentity.client("203.0.113.5") == .address("203.0.113.5"))
        #expect(ThrottleIdentity.client(nil) == .address("unknown"))
        #expect(ThrottleIdentity.client("::ffff:not-an-address") == .address("::ffff:not-an-address"))
    }

    /// Issue 13: failed authentications count against the client's address; past the limit
    /// the answer is 429 at once, without asking PostgreSQL — shown by closing the server's
    /// pool: every later refusal would otherwise be a 503.
    @Test func failedAuthenticationsStopReachingTheDatabasePastTheLimit() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let valid = try await world.key(for: alice)
            let pool = PGPool(configuration: world.pool.configuration)
            let server = ServerWorld(pool: pool)  // no service credential: nothing replayed
            var settings = Self.settings(anonymous: "1000/min", user: "1000/min")
            settings.throttle.failedAuthentication = ThrottleRate(parsing: "3/min")
            try await server.client(settings: settings) { client async throws in
                #expect(try await client.send("/api/surveys/", key: valid).status == .ok)
                for _ in 0..<3 {
                    let unknown = try KeyFormat.generate(.live).secret
                    #expect(try await client.send("/api/surveys/", key: unknown).status == .unauthorized)
                }
                await pool.close()
                for _ in 0..<20 {
                    let refused = try await client.send("/api/surveys/", key: try KeyFormat.generate(.live).secret)
                    #expect(refused.status == .tooManyRequests, "\(refused.text)")
                    #expect(Int(refused.headers[.retryAfter] ?? "").map { (1...60).contains($0) } == true)
                }
                let token: HTTPFields = [HTTPFields.Element.Name("authtoken")!: String(repeating: "a", count: 43)]
                #expect(try await client.send("/api/surveys/", headers: token).status == .tooManyRequests)
                #expect(try await client.send("/api/auth/status/", headers: token).status == .tooManyRequests)
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(try KeyFormat.generate(.live).secret)"}"#)
                #expect(login.status == .tooManyRequests)
                let service = try await client.send("/v1/keys/verify", method: .post,
                                                    headers: [.authorization: "Bearer \(try KeyFormat.generate(.service).secret)"], body: #"{"key":""}"#)
                #expect(service.status == .tooManyRequests)
                // Anonymous requests carry no credentials and are not refused for the failures.
                #expect(try await client.send("/api/health").status != .tooManyRequests)
            }
        }
    }

    @Test func failuresAreNotCountedWithThrottlingOffNorForValidKeys() async throws {
        try await ServerWorld.with { world in
            let alice = try await world.user("alice")
            let valid = try await world.key(for: alice)
            var settings = Self.settings(anonymous: "1000/min", user: "1000/min")
            settings.throttle.failedAuthentication = ThrottleRate(parsing: "2/min")
            try await world.client(settings: settings) { client async throws in
                for _ in 0..<5 { #expect(try await client.send("/api/surveys/", key: valid).status == .ok) }
                #expect(try await client.send("/api/surveys/", key: "ct_live_nope").status == .unauthorized)
                #expect(try await client.send("/api/surveys/", key: valid).status == .ok)
            }
            try await world.client { client async throws in
                for _ in 0..<10 {
                    #expect(try await client.send("/api/surveys/", key: try KeyFormat.generate(.live).secret).status == .unauthorized)
                }
            }
        }
    }
}
