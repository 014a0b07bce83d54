import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
@testable import Server
import ServerTestSupport
import Synchronization
import Testing

/// `/.well-known/authzen-configuration/<slug>` (SPEC §6, issue #34) is public, so it must not
/// be a free organisation-slug oracle: it is throttled per client address at the anonymous
/// rate, and answers come from a small cache of slugs, known and unknown, not a query each.
@Suite struct AuthZENMetadataTests {
    @Test func tenantMetadataIsThrottledAtTheAnonymousRate() async throws {
        try await ServerWorld.with { world in
            try await world.organisation("acme")
            try await world.client(settings: ThrottleTests.settings(anonymous: "3/min")) { client in
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

    /// Shown by closing the server's pool: an answer already known keeps coming without
    /// PostgreSQL; a slug not seen before is 503 (it would need the database), never 500.
    @Test func answersComeFromACacheNotAQueryEach() async throws {
        try await ServerWorld.with { world in
            try await world.organisation("acme")
            let pool = PGPool(configuration: world.pool.configuration)
            let server = ServerWorld(pool: pool)
            try await server.client(settings: APISettings(publicURL: "https://pdp.example.com")) { client in
                #expect(try await client.send("/.well-known/authzen-configuration/acme").status == .ok)
                await pool.close()
                for _ in 0..<3 {
                    let known = try await client.send("/.well-known/authzen-configuration/acme")
                    #expect(known.status == .ok && known.object["policy_decision_point"] as? String == "https://pdp.example.com/acme")
                }
                #expect(try await client.send("/.well-known/authzen-configuration/initech").status == .serviceUnavailable)
            }
            // Unknown slugs are kept too (on a clock of the test's own: no timing depends on load).
            let clock = ManualClock()
            let slugs = OrganisationSlugCache(pool: pool, knownLifetime: .seconds(30), unknownLifetime: .seconds(5), now: clock.now)
            let open = PGPool(configuration: world.pool.configuration)
            let cached = OrganisationSlugCache(pool: open, knownLifetime: .seconds(30), unknownLifetime: .seconds(5), now: clock.now)
            #expect(try await cached.exists("acme"))
            #expect(try await !cached.exists("globex"))
            await open.close()
            clock.advance(.seconds(4))
            #expect(try await cached.exists("acme"), "answered without the database")
            #expect(try await !cached.exists("globex"), "answered without the database")
            clock.advance(.seconds(2))
            await #expect(throws: PGError.self) { _ = try await cached.exists("globex") }  // past 5 s: asked again
            await #expect(throws: PGError.self) { _ = try await slugs.exists("acme") }
        }
    }

    /// Cached answers follow changes: a new organisation's document appears, a removed one's
    /// goes, within the cache's lifetime.
    @Test func theCacheFollowsNewAndRemovedOrganisations() async throws {
        try await ServerWorld.with { world in
            let clock = ManualClock()
            let slugs = OrganisationSlugCache(pool: world.pool, knownLifetime: .seconds(3), unknownLifetime: .seconds(3), now: clock.now)
            #expect(try await !slugs.exists("acme"))
            try await world.organisation("acme")
            #expect(try await !slugs.exists("acme"), "still the cached answer")
            clock.advance(.milliseconds(3200))
            #expect(try await slugs.exists("acme"))
            try await world.pool.execute("DELETE FROM organisations WHERE slug = 'acme'")
            #expect(try await slugs.exists("acme"), "still the cached answer")
            clock.advance(.milliseconds(3200))
            #expect(try await !slugs.exists("acme"))
        }
    }
}

/// A clock a test moves by hand.
final class ManualClock: Sendable {
    private let offset = Mutex(Duration.zero)
    private let start = ContinuousClock.now

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in start + offset.withLock { $0 } }
    }

    func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
}
