import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
@testable import Server
import ServerTestSupport
import Testing

/// `/.well-known/authzen-configuration/<slug>` (SPEC §6, issue #34) is public, so it must not
/// be a free organisation-slug oracle: it is throttled per client address at the anonymous
/// rate, and answers come from a small cache of slugs, known and unknown, not a query each.
@Suite struct AuthZENMetadataTests {
    @Test func tenantMetadataIsThrottledAtTheAnonymousRate() async throws {
        try await ServerWorld.with { world in
            try await world.organisation("acme")
            try await world.client(options: ThrottleTests.options(anonymous: "3/min")) { client in
                for slug in ["acme", "globex", "initech"] {
                    let reply = try await client.send("/.well-known/authzen-configuration/\(slug)")
                    #expect([.ok, .notFound].contains(reply.status), "\(slug)")
                    #expect(reply.headers[HTTPFields.Element.Name("RateLimit-Policy")!]?.hasPrefix("\"anonymous\"") == true)
                }
                let refused = try await client.send("/.well-known/authzen-configuration/acme")
                #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] != nil)
                // The document without a tenant stays unthrottled.
                #expect(try await client.send("/.well-known/authzen-configuration").status == .ok)
            }
        }
    }

    /// Shown by closing the server's pool: answers already known keep coming, without
    /// PostgreSQL; a slug not seen before is 503 (it would need the database), never 500.
    @Test func answersComeFromACacheNotAQueryEach() async throws {
        try await ServerWorld.with { world in
            try await world.organisation("acme")
            let pool = PGPool(configuration: world.pool.configuration)
            let server = ServerWorld(pool: pool)
            try await server.client(options: APIOptions(publicURL: "https://pdp.example.com")) { client in
                #expect(try await client.send("/.well-known/authzen-configuration/acme").status == .ok)
                #expect(try await client.send("/.well-known/authzen-configuration/globex").status == .notFound)
                await pool.close()
                for _ in 0..<3 {
                    let known = try await client.send("/.well-known/authzen-configuration/acme")
                    #expect(known.status == .ok && known.object["policy_decision_point"] as? String == "https://pdp.example.com/acme")
                    #expect(try await client.send("/.well-known/authzen-configuration/globex").status == .notFound)
                }
                #expect(try await client.send("/.well-known/authzen-configuration/initech").status == .serviceUnavailable)
            }
        }
    }

    /// Cached answers follow changes: a new organisation's document appears, a removed one's
    /// goes, within the cache's lifetime.
    @Test func theCacheFollowsNewAndRemovedOrganisations() async throws {
        try await ServerWorld.with { world in
            let slugs = OrganisationSlugCache(pool: world.pool, knownLifetime: .seconds(3), unknownLifetime: .seconds(3))
            #expect(try await !slugs.exists("acme"))
            try await world.organisation("acme")
            #expect(try await !slugs.exists("acme"), "still the cached answer")
            try await Task.sleep(for: .milliseconds(3200))
            #expect(try await slugs.exists("acme"))
            try await world.pool.execute("DELETE FROM organisations WHERE slug = 'acme'")
            try await Task.sleep(for: .milliseconds(3200))
            #expect(try await !slugs.exists("acme"))
        }
    }
}
