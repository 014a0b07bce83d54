import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import ServerTestSupport
import Testing
import Vault

/// Failed authentications (SPEC §7, issue #34): 401s count per client address; past the limit
/// credentials this instance has not verified get 429 without a database query, but a key,
/// session or service credential it has verified keeps working from that address — one
/// client's bad keys behind a shared address (NAT, proxy) never lock out the others.
@Suite struct FailedAuthenticationTests {
    static let authtoken = HTTPFields.Element.Name("authtoken")!

    @Test func verifiedCredentialsKeepWorkingPastTheFailureLimit() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada"), bob = try await world.user("bob")
            let good = try await world.key(for: ada)
            let neverSeen = try await world.key(for: bob)
            let service = try #require(world.service)
            var settings = ThrottleTests.settings(anonymous: "1000/min", user: "1000/min")
            settings.throttle.failedAuthentication = ThrottleRate(parsing: "3/min")
            try await world.client(settings: settings) { client in
                // Verified once while the address is in good standing.
                #expect(try await client.send("/api/surveys/", key: good).status == .ok)
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(good)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                #expect(try await client.send("/api/surveys/", headers: [Self.authtoken: token]).status == .ok)
                let verify = #"{"key":"\#(good)"}"#
                #expect(try await client.send("/v1/keys/verify", method: .post, key: service, body: verify).status == .ok)

                // Someone behind the same address floods bad keys.
                for _ in 0..<3 {
                    #expect(try await client.send("/api/surveys/", key: try KeyFormat.generate(.live).secret).status == .unauthorized)
                }
                let unknown = try await client.send("/api/surveys/", key: try KeyFormat.generate(.live).secret)
                #expect(unknown.status == .tooManyRequests && unknown.object["code"] as? String == "THROTTLED")
                #expect(unknown.headers[.retryAfter] != nil)

                // What this instance verified keeps working from the address...
                #expect(try await client.send("/api/surveys/", key: good).status == .ok)
                #expect(try await client.send("/api/surveys/", headers: [Self.authtoken: token]).status == .ok)
                #expect(try await client.send("/api/auth/status/", headers: [Self.authtoken: token]).status == .ok)
                #expect(try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(good)"}"#).status == .ok)
                #expect(try await client.send("/v1/keys/verify", method: .post, key: service, body: verify).status == .ok)
                // ...but a credential it has not verified is refused unread, valid or not.
                #expect(try await client.send("/api/surveys/", key: neverSeen).status == .tooManyRequests)
                #expect(try await client.send("/api/surveys/", headers: [Self.authtoken: String(repeating: "b", count: 43)]).status == .tooManyRequests)
                #expect(try await client.send("/v1/keys/verify", method: .post,
                                              headers: [.authorization: "Bearer \(try KeyFormat.generate(.service).secret)"], body: verify).status == .tooManyRequests)
            }
        }
    }

    /// A verified key that stops being valid (revoked) is refused, its refusal counted like any
    /// other, and it is not let through unread again.
    @Test func aKnownKeyThatFailsIsForgotten() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let good = try await world.key(for: ada)
            var settings = ThrottleTests.settings(anonymous: "1000/min", user: "1000/min")
            settings.throttle.failedAuthentication = ThrottleRate(parsing: "2/min")
            try await DecisionAgreement.$exempt.withValue(true) {
                try await world.client(settings: settings) { client in
                    #expect(try await client.send("/api/surveys/", key: good).status == .ok)
                    for _ in 0..<2 {
                        #expect(try await client.send("/api/surveys/", key: try KeyFormat.generate(.live).secret).status == .unauthorized)
                    }
                    try await world.pool.execute("UPDATE api_keys SET revoked_at = now()")
                    world.dependencies.vault.flushCache()
                    #expect(try await client.send("/api/surveys/", key: good).status == .unauthorized, "judged: it was known")
                    #expect(try await client.send("/api/surveys/", key: good).status == .tooManyRequests, "no longer known")
                }
            }
        }
    }
}
