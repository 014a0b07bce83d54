import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Policy
@testable import Server
import ServerTestSupport
import Testing
import Usage
import Tenancy
import Vault

/// The gateway check (SPEC §16) through the real router: what a proxy's auth subrequest is told
/// for each rule, with every check a key meets on the resource API, and every use counted.
@Suite struct GatewayTests {
    /// The rules most tests run with: a public area, typed permissions, and an organisation's area.
    static let routes = try! GatewayRoutes(json: Array("""
        [{"path":"/public/*","permission":"public"},
         {"methods":["GET","HEAD"],"path":"/orders/*","permission":"orders:view"},
         {"methods":["POST"],"path":"/orders","permission":"orders:add"},
         {"path":"/tenants/{organisation}/*","permission":"view"}]
        """.utf8))
    static let settings = APISettings(gatewayRoutes: routes)

    /// The check of `method uri` with `key` (as a Bearer token) and any other `headers`.
    static func check(_ client: some TestClientProtocol, _ method: String, _ uri: String, key: String? = nil, headers: HTTPFields = [:]) async throws -> Reply {
        var fields = headers
        fields[GatewayHeaders.originalMethod] = method
        fields[GatewayHeaders.originalURI] = uri
        return try await client.send("/v1/gateway/check", key: key, headers: fields)
    }

    /// A world with organisation `acme` (and `globex`), a member `ada` and keys for her.
    struct Seeded {
        var acme: Int64, globex: Int64, ada: Int64
    }

    static func seed(_ world: ServerWorld) async throws -> Seeded {
        let owner = try await world.user("olive", tier: .organisation)
        let ada = try await world.user("ada", tier: .organisation)
        let acme = try await world.organisation("acme", owner: owner, members: [(ada, "viewer")])
        let globex = try await world.organisation("globex", owner: owner, members: [(ada, "viewer")])
        return Seeded(acme: acme, globex: globex, ada: ada)
    }

    @Test func aValidKeyPassesWithItsIdentityFromEitherHeaderPair() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let key = try await world.key(for: s.ada, organisation: s.acme, capabilities: ["view", "add"])
            let id = try await UsageTests.id(of: key, world)
            try await world.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                let bearer = try await Self.check(client, "GET", "/anything/12?x=1", key: key)
                #expect(bearer.status == .ok && bearer.text.isEmpty)
                #expect(bearer.headers[GatewayHeaders.keyID] == id)
                #expect(bearer.headers[GatewayHeaders.user] == String(s.ada))
                #expect(bearer.headers[GatewayHeaders.organisation] == "acme")
                #expect(bearer.headers[GatewayHeaders.permissions] == "view,add")
                let apiKey = try await Self.check(client, "POST", "/anything", headers: [GatewayHeaders.apiKey: key])
                #expect(apiKey.status == .ok && apiKey.headers[GatewayHeaders.keyID] == id)
                let both = try await Self.check(client, "GET", "/x", key: key, headers: [GatewayHeaders.apiKey: key])
                #expect(both.status == .ok)
                let traefik = try await client.send("/v1/gateway/check", key: key, headers: [
                    GatewayHeaders.forwardedMethod: "GET", GatewayHeaders.forwardedURI: "/anything",
                ])
                #expect(traefik.status == .ok && traefik.headers[GatewayHeaders.keyID] == id)
                // An unconfined key: no organisation.
                let pro = try await world.key(for: s.ada)
                let unconfined = try await Self.check(client, "GET", "/x", key: pro)
                #expect(unconfined.status == .ok && unconfined.headers[GatewayHeaders.organisation] == "")
            }
        }
    }

    @Test func withoutAValidKeyTheAnswerIs401WithAChallenge() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let revoked = try await world.key(for: s.ada, organisation: s.acme, revoked: true)
            let expired = try await world.key(for: s.ada, organisation: s.acme, expiresAt: Date().addingTimeInterval(-60))
            let valid = try await world.key(for: s.ada, organisation: s.acme)
            try await world.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                let none = try await Self.check(client, "GET", "/orders/1")
                #expect(none.status == .unauthorized && none.headers[.wwwAuthenticate] == #"Bearer realm="api""#)
                #expect(none.detail == "Authentication credentials were not provided.")
                var near = Array(valid)
                near[near.count - 1] = near.last == "a" ? "b" : "a"
                for bad in [String(near), "ct_live_nope", revoked] {
                    let reply = try await Self.check(client, "GET", "/orders/1", key: bad)
                    #expect(reply.status == .unauthorized && reply.detail == "Invalid API key." && reply.headers[.wwwAuthenticate] != nil)
                    #expect(reply.headers[GatewayHeaders.keyID] == nil)
                }
                let basic = try await Self.check(client, "GET", "/x", headers: [.authorization: "Basic YWRhOnB3"])
                #expect(basic.status == .unauthorized)
                let old = try await Self.check(client, "GET", "/orders/1", key: expired)
                #expect(old.status == .unauthorized && old.detail == "API key has expired.")
            }
        }
    }

    @Test func eachMethodNeedsItsVerb() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let viewer = try await world.key(for: s.ada, organisation: s.acme)
            let editor = try await world.key(for: s.ada, organisation: s.acme, capabilities: ["view", "edit", "delete"])
            try await world.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                for method in ["GET", "HEAD", "OPTIONS"] {
                    #expect(try await Self.check(client, method, "/things/1", key: viewer).status == .ok)
                }
                for method in ["POST", "PUT", "PATCH", "DELETE"] {
                    let refused = try await Self.check(client, method, "/things/1", key: viewer)
                    #expect(refused.status == .forbidden && refused.object["code"] as? String == "DENY_CAPABILITY", "\(method): \(refused.text)")
                }
                #expect(try await Self.check(client, "POST", "/things", key: editor).detail == "API key lacks the 'add' capability.")
                for method in ["PUT", "PATCH", "DELETE"] {
                    #expect(try await Self.check(client, method, "/things/1", key: editor).status == .ok)
                }
            }
        }
    }

    @Test func rulesDecideFirstMatchFirst() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let orders = try await world.key(for: s.ada, organisation: s.acme,
                                             permissions: KeyPermissions([.init(type: "orders", capabilities: .view)]))
            let plain = try await world.key(for: s.ada, organisation: s.acme)
            let unconfined = try await world.key(for: s.ada)
            let before = try await world.fingerprint()
            try await world.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                // Public: no key needed, none read; the identity headers are there and empty.
                let open = try await Self.check(client, "POST", "/public/form")
                #expect(open.status == .ok && open.headers[GatewayHeaders.keyID] == "" && open.headers[GatewayHeaders.user] == "")
                #expect(try await Self.check(client, "GET", "/public/x", key: "ct_live_nope").status == .ok)
                // A dot segment cannot climb out of the public area.
                #expect(try await Self.check(client, "GET", "/public/../orders/1").status == .unauthorized)
                #expect(try await Self.check(client, "GET", "/public/%2e%2e/orders/1").status == .unauthorized)
                // Typed permissions: a fine-grained key's grant for the type.
                let view = try await Self.check(client, "GET", "/orders/7", key: orders)
                #expect(view.status == .ok && view.headers[GatewayHeaders.permissions] == "orders:view")
                let add = try await Self.check(client, "POST", "/orders", key: orders)
                #expect(add.status == .forbidden && add.object["code"] as? String == "DENY_CAPABILITY")
                // A route of no type is none of a fine-grained key's types.
                let untyped = try await Self.check(client, "GET", "/elsewhere", key: orders)
                #expect(untyped.status == .forbidden && untyped.object["code"] as? String == "DENY_CAPABILITY")
                // A plain key: its capabilities on every type.
                #expect(try await Self.check(client, "GET", "/orders/7", key: plain).status == .ok)
                #expect(try await Self.check(client, "POST", "/orders", key: plain).status == .forbidden)
                // An organisation's area: only keys confined there.
                #expect(try await Self.check(client, "GET", "/tenants/acme/orders", key: plain).status == .ok)
                for (uri, key) in [("/tenants/globex/orders", plain), ("/tenants/nowhere/x", plain), ("/tenants/acme/orders", unconfined)] {
                    let outside = try await Self.check(client, "GET", uri, key: key)
                    #expect(outside.status == .forbidden && outside.object["code"] as? String == "DENY_OUTSIDE_ORGANISATION", "\(uri)")
                }
            }
            #expect(try await world.fingerprint() == before)
        }
    }

    @Test func allowlistsPoliciesAndTiersApply() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let fenced = try await world.key(for: s.ada, organisation: s.acme, allowedCIDRs: ["10.0.0.0/8"])
            let home = try await world.key(for: s.ada, organisation: s.acme, allowedCIDRs: ["127.0.0.0/8", "::1/128"])
            let inGlobex = try await world.key(for: s.ada, organisation: s.globex)
            let free = try await world.user("fred", tier: .free)
            let freeKey = try await world.key(for: free)
            try await Tenancy(vault: world.dependencies.vault).setKeyPolicy(KeyPolicy(requireAllowedCIDRs: true), organisationID: s.globex, actor: nil, via: "test")
            try await world.client(settings: Self.settings, over: .live) { (client: any TestClientProtocol) async throws in
                let outside = try await Self.check(client, "GET", "/x", key: fenced)
                #expect(outside.status == .forbidden && outside.object["code"] as? String == "IP_NOT_ALLOWED")
                #expect(try await Self.check(client, "GET", "/x", key: home).status == .ok)
                let blocked = try await Self.check(client, "GET", "/x", key: inGlobex)
                #expect(blocked.status == .forbidden && blocked.object["code"] as? String == "POLICY_BLOCKED")
                let paid = try await Self.check(client, "GET", "/x", key: freeKey)
                #expect(paid.status == .forbidden && paid.detail == "API access requires a paid account tier.")
            }
            // The client behind a trusted proxy is the one judged.
            let proxied = APISettings(trustedProxies: ["127.0.0.1"], gatewayRoutes: Self.routes)
            try await world.client(settings: proxied, over: .live) { (client: any TestClientProtocol) async throws in
                #expect(try await Self.check(client, "GET", "/x", key: fenced, headers: [HeaderName.forwardedFor: "10.1.2.3"]).status == .ok)
                #expect(try await Self.check(client, "GET", "/x", key: home, headers: [HeaderName.forwardedFor: "198.51.100.4"]).status == .forbidden)
            }
        }
    }

    @Test func aKeyOverItsRateIs429WithRateLimitFields() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let key = try await world.key(for: s.ada, organisation: s.acme)
            let settings = APISettings(throttle: ThrottleSettings(enabled: true, user: ThrottleRate(limit: 2, seconds: 60)), gatewayRoutes: Self.routes)
            try await world.client(settings: settings) { (client: any TestClientProtocol) async throws in
                let first = try await Self.check(client, "GET", "/x", key: key)
                #expect(first.status == .ok && first.headers[HeaderName.rateLimitPolicy] == #""user";q=2;w=60"#)
                #expect(first.headers[HeaderName.rateLimit]?.hasPrefix(#""user";r=1;"#) == true)
                #expect(try await Self.check(client, "GET", "/x", key: key).status == .ok)
                let over = try await Self.check(client, "GET", "/x", key: key)
                #expect(over.status == .tooManyRequests && over.object["code"] as? String == "THROTTLED")
                #expect(over.headers[.retryAfter] != nil && over.headers[HeaderName.rateLimit]?.hasPrefix(#""user";r=0;"#) == true)
            }
        }
    }

    @Test func badHeadersAre400AndChangeNothing() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let key = try await world.key(for: s.ada, organisation: s.acme)
            let other = try await world.key(for: s.ada, organisation: s.acme)
            let before = try await world.fingerprint()
            try await world.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                for (method, uri) in [("TRACE", "/x"), ("get", "/x"), ("", "/x"), ("GET", "x"), ("GET", ""), ("GET", "http://evil/x"),
                                      ("GET", "/../x"), ("GET", "/a/%2e%2e/%2e%2e/x"), ("GET", "/a%zz"), ("GET", "/a%00b"), ("GET", "/a%0ab"),
                                      ("GET", "/%C0%AF"), ("GET", "/%"), ("GET", "/" + String(repeating: "a", count: 9000)),
                                      ("CONNECT", "/x"), ("GET", "*")] {
                    let reply = try await Self.check(client, method, uri, key: key)
                    #expect(reply.status == .badRequest && reply.object["code"] as? String == "INVALID_HEADER", "\(method) \(uri): \(reply.text)")
                }
                let missing = try await client.send("/v1/gateway/check", key: key, headers: [GatewayHeaders.originalMethod: "GET"])
                #expect(missing.status == .badRequest && missing.detail?.contains("X-Original-URI") == true)
                let noMethod = try await client.send("/v1/gateway/check", key: key, headers: [GatewayHeaders.originalURI: "/x"])
                #expect(noMethod.status == .badRequest)
                // Without a key, a missing original request is a missing credential: 401 with
                // its challenge (no public rule can match an unknown URI).
                for headers: HTTPFields in [[:], [GatewayHeaders.originalMethod: "GET"], [GatewayHeaders.originalURI: "/x"]] {
                    let anonymous = try await client.send("/v1/gateway/check", headers: headers)
                    #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(headers): \(anonymous.text)")
                }
                let disagreeing = try await Self.check(client, "GET", "/x", key: key, headers: [GatewayHeaders.apiKey: other])
                #expect(disagreeing.status == .badRequest && disagreeing.detail?.contains("different keys") == true)
                var twice = HTTPFields()
                twice.append(HTTPField(name: GatewayHeaders.originalMethod, value: "GET"))
                twice.append(HTTPField(name: GatewayHeaders.originalMethod, value: "DELETE"))
                twice[GatewayHeaders.originalURI] = "/x"
                #expect(try await client.send("/v1/gateway/check", key: key, headers: twice).status == .badRequest)
                // The check itself is GET (HEAD too); another method is 405 whatever it carries.
                let post = try await client.send("/v1/gateway/check", method: .post, key: key)
                #expect(post.status == .methodNotAllowed)
            }
            #expect(try await world.fingerprint() == before)
        }
    }

    @Test func everyUseIsCountedByOutcome() async throws {
        try await ServerWorld.with { world in
            let s = try await Self.seed(world)
            let key = try await world.key(for: s.ada, organisation: s.acme)
            let revoked = try await world.key(for: s.ada, organisation: s.acme, revoked: true)
            let shared = APIDependencies()
            let settings = APISettings(throttle: ThrottleSettings(enabled: true, user: ThrottleRate(limit: 3, seconds: 60)), gatewayRoutes: Self.routes)
            try await world.client(settings: settings, shared: shared) { (client: any TestClientProtocol) async throws in
                #expect(try await Self.check(client, "GET", "/x", key: key).status == .ok)
                #expect(try await Self.check(client, "GET", "/x", key: key).status == .ok)
                #expect(try await Self.check(client, "DELETE", "/x", key: key).status == .forbidden)
                #expect(try await Self.check(client, "GET", "/x", key: key).status == .tooManyRequests)
                #expect(try await Self.check(client, "GET", "/x", key: revoked).status == .unauthorized)
                #expect(try await Self.check(client, "GET", "/public/x", key: key).status == .ok)
            }
            var totals: [UUID: UsageCounts] = [:]
            for (slot, counts) in shared.usage.take().counts {
                for outcome in UsageOutcome.allCases { totals[slot.key, default: UsageCounts()][outcome] += counts[outcome] }
            }
            let id = try #require(UUID(uuidString: try await UsageTests.id(of: key, world)))
            let revokedID = try #require(UUID(uuidString: try await UsageTests.id(of: revoked, world)))
            #expect(totals[id]?[.valid] == 2 && totals[id]?[.denied] == 1 && totals[id]?[.rateLimited] == 1)
            #expect(totals[revokedID]?[.revoked] == 1)
            #expect(totals.count == 2, "the public check reads no key")
        }
    }

    @Test func aKeyRevokedAnywhereIsRefusedByEveryInstanceWithinASecond() async throws {
        try await ServerWorld.twoInstances { a, b in
            let s = try await Self.seed(a)
            let key = try await a.key(for: s.ada, organisation: s.acme)
            try await b.client(settings: Self.settings) { (client: any TestClientProtocol) async throws in
                #expect(try await Self.check(client, "GET", "/x", key: key).status == .ok, "cached by b")
                try await a.pool.execute("UPDATE api_keys SET revoked_at = now()")
                let revokedAt = ContinuousClock.now
                var status = HTTPResponse.Status.ok
                while status == .ok, ContinuousClock.now - revokedAt < .seconds(2) {
                    status = try await Self.check(client, "GET", "/x", key: key).status
                    if status == .ok { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(status == .unauthorized && ContinuousClock.now - revokedAt < .seconds(1))
            }
        }
    }
}
