import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// A key's own rate limit (SPEC §15): set at issuance, it replaces the authenticated rate for
/// that key; verify reports where the key stands without counting; a roll keeps it.
@Suite struct KeyRateLimitTests {
    static let settings = APISettings(throttle: ThrottleSettings(enabled: true, user: ThrottleRate(limit: 10, seconds: 60)))

    @Test func aKeysOwnRateReplacesTheAuthenticatedOne() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            var request = KeyIssueRequest(username: "ada", name: "limited")
            request.rateLimit = try KeyRateLimit("3/min")
            let limited = try await world.dependencies.vault.issue(request).secret
            let plain = try await world.key(for: ada)
            try await world.client(settings: Self.settings) { client in
                func standing(_ key: String) async throws -> [String: Any]? {
                    let reply = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(key)"}"#)
                    #expect(reply.status == .ok, "\(reply.text)")
                    return reply.object["ratelimit"] as? [String: Any]
                }
                // Looking does not count: twice, the same standing.
                for _ in 0..<2 {
                    let state = try await standing(limited)
                    #expect(state?["limit"] as? Int == 3 && state?["remaining"] as? Int == 3, "\(String(describing: state))")
                }
                #expect(try await standing(plain)?["limit"] as? Int == 10)

                let current = try await client.send("/api/keys/current/", key: limited)
                #expect(current.object["rate_limit"] as? String == "3/min")
                #expect(current.headers[HTTPFields.Element.Name("RateLimit-Limit")!] == "3")
                #expect(try await client.send("/api/surveys/", key: limited).status == .ok)
                #expect(try await standing(limited)?["remaining"] as? Int == 1)
                #expect(try await client.send("/api/surveys/", key: limited).status == .ok)
                let refused = try await client.send("/api/surveys/", key: limited)
                #expect(refused.status == .tooManyRequests, "\(refused.text)")
                #expect(refused.headers[.retryAfter] != nil)
                #expect(try await standing(limited)?["remaining"] as? Int == 0)
                // The other key of the same user keeps the authenticated rate.
                for _ in 0..<4 { #expect(try await client.send("/api/surveys/", key: plain).status == .ok) }
                #expect(try await client.send("/api/keys/current/", key: plain).object["rate_limit"] is NSNull)
            }
            // A roll keeps the limit (the successor counts afresh: it is another key).
            try await world.client { client in
                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: limited, body: #"{"grace_hours":0}"#)
                #expect(rolled.status == .created, "\(rolled.text)")
                #expect(rolled.object["rate_limit"] as? String == "3/min")
                // Without throttling nothing is counted, and verify says so.
                let reply = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(plain)"}"#)
                #expect(reply.object["ratelimit"] is NSNull)
            }
        }
    }

    @Test func onlyNPerSecMinOrHourIsARate() throws {
        #expect(try KeyRateLimit("100/min").description == "100/min")
        #expect(try KeyRateLimit("1/sec").seconds == 1 && (try KeyRateLimit("999999999/hour")).seconds == 3600)
        for bad in ["", "100", "0/min", "-1/min", "5/day", "x/min", "100/minute", "100/m", "1000000000/sec", "01/min", "5/min/x", " 5/min"] {
            #expect(throws: VaultError.self, "\(bad)") { try KeyRateLimit(bad) }
        }
    }
}
