import Federation
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import Postgres
import Server
import ServerTestSupport
import Testing
import TestSupport
import Vault

/// SSO exchange holes (SPEC §11, issue #34): the `audience` tells nothing about which
/// organisations exist, and fetching a JWKS URL is bounded — `https` only (plain `http` to
/// loopback alone), no redirects, at most 1 MiB in 5 s, and a failed fetch remembered for 30 s.
@Suite struct SSOHardeningTests {
    @Test func anAudienceNamingNoOrganisationGetsTheSameAnswerAsOneThatDoesNotTrustTheIssuer() async throws {
        try await TokenExchangeTests.world { world in
            try await world.organisation("beta")
            try await world.client { client in
                var answers: [String: Reply] = [:]
                for audience in ["beta", "no-such-organisation"] {
                    let token = try TokenExchangeTests.rsa.sign(claims: TokenExchangeTests.claims())
                    answers[audience] = try await TokenExchangeTests.exchange(client, TokenExchangeTests.form(token, audience: audience))
                }
                let untrusting = try #require(answers["beta"]), missing = try #require(answers["no-such-organisation"])
                #expect(untrusting.status == .badRequest && untrusting.status == missing.status)
                #expect(untrusting.text == missing.text, "\(untrusting.text) / \(missing.text)")
                #expect(untrusting.object["error"] as? String == "invalid_target")
            }
        }
    }

    /// A provider on a local socket (loopback may be plain HTTP) that redirects, sends more
    /// than 1 MiB, or fails; each hit counted.
    static func withProvider(_ body: @Sendable (Int, NIOLockedValueBox<[String: Int]>) async throws -> Void) async throws {
        let hits = NIOLockedValueBox<[String: Int]>([:])
        let router = Router()
        let jwks = JOSETests.jwks([TokenExchangeTests.rsa])
        @Sendable func count(_ path: String) { hits.withLockedValue { $0[path, default: 0] += 1 } }
        router.get("/jwks.json") { _, _ in
            count("jwks")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: jwks)))
        }
        router.get("/moved.json") { _, _ in
            count("moved")
            return Response(status: .found, headers: [.location: "/jwks.json"])
        }
        router.get("/big.json") { _, _ in
            count("big")
            // The right keys, then whitespace without end (no Content-Length): 256 MiB unless
            // the reader hangs up; what was written is counted in 64 KiB chunks.
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: String(jwks.dropLast())))
                for _ in 0..<4096 {
                    try await writer.write(chunk)
                    hits.withLockedValue { $0["big-chunks", default: 0] += 1 }
                }
                try await writer.write(ByteBuffer(string: "}"))
                try await writer.finish(nil)
            })
        }
        router.get("/broken.json") { _, _ in
            count("broken")
            return Response(status: .internalServerError)
        }
        try await Application(router: router).test(.live) { provider in
            try await body(try #require(provider.port), hits)
        }
    }

    /// Points acme's trust at `url`.
    static func trust(_ world: ServerWorld, _ url: String) async throws {
        let store = SSOTrustStore(pool: world.pool)
        var trust = try await store.list()[0]
        trust.keys = .url(URL(string: url)!)
        _ = try await store.save(trust)
    }

    static func exchange(_ client: some TestClientProtocol) async throws -> Reply {
        try await TokenExchangeTests.exchange(client, TokenExchangeTests.form(try TokenExchangeTests.rsa.sign(claims: TokenExchangeTests.claims())))
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await Self.withProvider { port, hits in
            try await TokenExchangeTests.world { world in
                try await Self.trust(world, "http://127.0.0.1:\(port)/moved.json")
                try await world.client { client in
                    let reply = try await Self.exchange(client)
                    #expect(reply.object["error"] as? String == "invalid_grant", "\(reply.text)")
                }
                #expect(hits.withLockedValue { $0 } == ["moved": 1], "the redirect's target was never fetched")
                // The same provider's own address works (the test's setup is sound).
                try await Self.trust(world, "http://127.0.0.1:\(port)/jwks.json")
                try await world.client { client in
                    let reply = try await Self.exchange(client)
                    #expect(reply.status == .ok, "\(reply.text)")
                }
            }
        }
    }

    @Test func aKeySetIsReadUpToOneMebibyteOnly() async throws {
        try await Self.withProvider { port, hits in
            try await TokenExchangeTests.world { world in
                try await Self.trust(world, "http://127.0.0.1:\(port)/big.json")
                try await world.client { client in
                    let started = ContinuousClock.now
                    let reply = try await Self.exchange(client)
                    #expect(reply.object["error"] as? String == "invalid_grant", "\(reply.text)")
                    #expect((reply.object["error_description"] as? String)?.contains("1048576") == true, "\(reply.text)")
                    // Cut at the size, not at the 5 s deadline (the message names the size); the
                    // bound only rules out reading on, with room for a loaded machine.
                    #expect(ContinuousClock.now - started < .seconds(10))
                }
                // The reader hangs up: the writer stops (socket buffers take a few MiB first, and
                // a loaded machine cancels late). Steady for half a second within 10 s.
                var written = -1, steadySince = ContinuousClock.now
                let deadline = ContinuousClock.now + .seconds(10)
                while ContinuousClock.now - steadySince < .milliseconds(500), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    let now = hits.withLockedValue { $0["big-chunks", default: 0] }
                    if now != written { (written, steadySince) = (now, ContinuousClock.now) }
                }
                #expect(ContinuousClock.now - steadySince >= .milliseconds(500), "\(written) chunks and counting: the reader read on")
                #expect(written < 4096, "all 256 MiB were written: the reader read to the end")
                #expect(hits.withLockedValue { $0["big"] } == 1)
            }
        }
    }

    @Test func aFailedFetchIsRememberedForThirtySeconds() async throws {
        try await Self.withProvider { port, hits in
            try await TokenExchangeTests.world { world in
                try await Self.trust(world, "http://127.0.0.1:\(port)/broken.json")
                try await world.client { client in
                    for _ in 0..<5 {
                        let reply = try await Self.exchange(client)
                        #expect(reply.object["error"] as? String == "invalid_grant", "\(reply.text)")
                    }
                }
                #expect(hits.withLockedValue { $0["broken"] } == 1, "\(hits.withLockedValue { $0 })")
            }
        }
    }

    @Test func plainHTTPIsFetchedFromLoopbackOnly() async throws {
        try await TokenExchangeTests.world { world in
            // 192.0.2.0/24 is TEST-NET-1: nothing answers there, and nothing is asked.
            try await Self.trust(world, "http://192.0.2.10/jwks.json")
            try await world.client { client in
                let started = ContinuousClock.now
                let reply = try await Self.exchange(client)
                #expect(reply.object["error"] as? String == "invalid_grant")
                #expect((reply.object["error_description"] as? String)?.contains("https") == true, "\(reply.text)")
                // Refused before any connection: well within the 5 s a fetch could take (with
                // room for a machine running the whole suite).
                #expect(ContinuousClock.now - started < .milliseconds(4500))
            }
        }
    }
}
