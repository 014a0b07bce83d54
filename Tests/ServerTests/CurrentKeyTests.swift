import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import ServerTestSupport
import Testing
import Vault

/// The presenting key (SPEC §2): describe it, revoke it, roll it, with any capability.
@Suite struct CurrentKeyTests {
    static func uses(_ client: some TestClientProtocol, _ key: String) async throws -> HTTPResponse.Status {
        try await client.send("/api/surveys/", key: key).status
    }

    @Test func describeRevokeAndRollThePresentingKey() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .organisation)
            let acme = try await world.organisation("acme", members: [(ada, "admin")])
            let expires = Date().addingTimeInterval(10 * 86_400)
            let key = try await world.key(for: ada, organisation: acme, expiresAt: expires, capabilities: ["view", "edit"], allowedCIDRs: [])
            try await world.client { client in
                let current = try await client.send("/api/keys/current/", key: key)
                #expect(current.status == .ok)
                let fields = Set(current.object.keys)
                #expect(fields == ["id", "name", "prefix", "last4", "organisation", "capabilities", "created_at", "expires_at", "last_used_at", "allowed_cidrs", "rolled_to", "rate_limit", "meta",
                                   "permissions", "resources"])
                #expect(current.object["meta"] is NSNull && current.object["permissions"] is NSNull && current.object["resources"] is NSNull)
                #expect(current.object["prefix"] as? String == String(key.prefix(12)) && current.object["last4"] as? String == String(key.suffix(4)))
                #expect((current.object["organisation"] as? NSNumber)?.int64Value == acme)
                #expect(current.object["capabilities"] as? [String] == ["view", "edit"])
                #expect(!current.text.contains(key) && current.object["rolled_to"] is NSNull)
                #expect(try await client.send("/api/keys/current/").status == .unauthorized)

                // Roll: a bad grace is a 400 and changes nothing.
                for body in [#"{"grace_hours":-1}"#, #"{"grace_hours":169}"#, #"{"grace_hours":1.5}"#, #"{"grace_hours":"2"}"#, #"{"grace":2}"#, "[]", "nope"] {
                    #expect(try await client.send("/api/keys/current/roll/", method: .post, key: key, body: body).status == .badRequest, "\(body)")
                }
                #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == 1)
                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":2}"#)
                #expect(rolled.status == .created, "\(rolled.text)")
                let newKey = try #require(rolled.object["key"] as? String)
                #expect(newKey.hasPrefix("ct_live_") && newKey != key)
                #expect(rolled.object["capabilities"] as? [String] == ["view", "edit"] && (rolled.object["organisation"] as? NSNumber)?.int64Value == acme)
                #expect(rolled.object["expires_at"] as? String == current.object["expires_at"] as? String, "the same expiry")
                // Both work during the grace; the old one names its successor and ends within 2 h.
                #expect(try await Self.uses(client, key) == .ok)
                #expect(try await Self.uses(client, newKey) == .ok)
                let old = try await client.send("/api/keys/current/", key: key)
                #expect(old.object["rolled_to"] as? String == rolled.object["id"] as? String)
                let oldEnd = try await world.pool.query("SELECT extract(epoch FROM expires_at - now())::int FROM api_keys WHERE rolled_to IS NOT NULL")[0].decode(Int.self, at: 0)
                #expect((7100...7200).contains(oldEnd))
                // A second roll of the same key: 409. The new key rolls with grace 0: the old dies at once.
                #expect(try await client.send("/api/keys/current/roll/", method: .post, key: key, body: "{}").status == .conflict)
                let third = try await client.send("/api/keys/current/roll/", method: .post, key: newKey, body: #"{"grace_hours":0}"#)
                #expect(third.status == .created)
                world.dependencies.vault.flushCache()
                let expired = try await client.send("/api/surveys/", key: newKey)
                #expect(expired.status == .unauthorized && expired.detail == "API key has expired.")
                let audit = try await world.pool.query("SELECT count(*) FROM audit_events WHERE action = 'key.rolled'")[0].decode(Int.self, at: 0)
                #expect(audit == 2)

                // Revoke: 204, and the key is dead at once; its sessions with it.
                let last = try #require(third.object["key"] as? String)
                let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(last)"}"#)
                let token = try #require(login.object["token-id"] as? String)
                #expect(try await client.send("/api/keys/current/", method: .delete, key: last).status == .noContent)
                #expect(try await Self.uses(client, last) == .unauthorized)
                #expect(try await client.send("/api/surveys/", headers: [HTTPFields.Element.Name("authtoken")!: token]).status == .unauthorized)
                #expect(try await world.pool.query("SELECT revoke_reason FROM api_keys WHERE revoked_at IS NOT NULL")[0].decode(String.self, at: 0) == "revoked by its holder")
                // Rolling a revoked key is the 401 of any revoked key.
                #expect(try await client.send("/api/keys/current/roll/", method: .post, key: last, body: "{}").status == .unauthorized)
            }
        }
    }

    /// A pro user at the five-key limit still rolls: the limit does not block a roll.
    @Test func theActiveKeyLimitDoesNotBlockARoll() async throws {
        try await ServerWorld.with { world in
            let pat = try await world.user("pat", tier: .pro)
            var keys: [String] = []
            for _ in 0..<5 { keys.append(try await world.key(for: pat)) }
            let first = keys[0]
            try await world.client { client in
                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: first)
                #expect(rolled.status == .created, "\(rolled.text)")
                #expect(rolled.object["capabilities"] as? [String] == ["view"] && rolled.object["organisation"] is NSNull)
            }
        }
    }
}
