import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import ServerTestSupport
import Testing
import Vault

/// Key metadata (SPEC §15): a JSON object of at most 4 KiB set at issuance, returned as given by
/// `/v1/keys/verify` and `/api/keys/current/`, kept by a roll, never interpreted.
@Suite struct KeyMetaTests {
    static let meta = #"{"plan":"gold","zone":{"id":7},"a":[1,2.5,null]}"#

    @Test func metadataIsReturnedAsGivenAndKeptByARoll() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada", tier: .pro)
            var request = KeyIssueRequest(username: "ada", name: "with meta")
            request.meta = try KeyMeta(Self.meta)
            let key = try await world.dependencies.vault.issue(request).secret
            let plain = try await world.key(for: ada)
            try await world.client { client in
                let current = try await client.send("/api/keys/current/", key: key)
                #expect(current.status == .ok)
                // As given: the same text, key order and all, not a re-encoding.
                #expect(current.text.contains(#""meta":\#(Self.meta)"#), "\(current.text)")
                #expect((current.object["meta"] as? [String: Any])?["plan"] as? String == "gold")
                #expect(try await client.send("/api/keys/current/", key: plain).object["meta"] is NSNull)

                let verified = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(key)"}"#)
                #expect(verified.status == .ok)
                #expect((verified.object["meta"] as? [String: Any])?["plan"] as? String == "gold", "\(verified.text)")
                #expect(((verified.object["key"] as? [String: Any])?["meta"] as? [String: Any])?["plan"] as? String == "gold")
                let unknown = try await client.send("/v1/keys/verify", method: .post, key: world.service, body: #"{"key":"\#(plain)x"}"#)
                #expect(unknown.object["meta"] is NSNull)

                let rolled = try await client.send("/api/keys/current/roll/", method: .post, key: key, body: #"{"grace_hours":0}"#)
                #expect(rolled.status == .created, "\(rolled.text)")
                let successor = try #require(rolled.object["key"] as? String)
                #expect(try await client.send("/api/keys/current/", key: successor).text.contains(#""meta":\#(Self.meta)"#))
            }
        }
    }

    /// Anything but a JSON object of at most 4 KiB is refused, and nothing is stored.
    @Test func badMetadataIsRefusedAndNothingStored() async throws {
        let tooLarge = #"{"x":""# + String(repeating: "y", count: KeyMeta.limit) + #""}"#
        for bad in ["[1,2]", "\"text\"", "42", "null", "{\"a\":", "not json", "", tooLarge] {
            #expect(throws: VaultError.self, "\(bad.prefix(20))") { try KeyMeta(bad) }
        }
        #expect(try KeyMeta(#"{}"#).json == "{}")
        try await ServerWorld.with { world in
            _ = try await world.user("ada", tier: .pro)
            // The database holds the same rule for a writer that goes around the vault.
            let keys = try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0)
            await #expect(throws: PGError.self) {
                try await world.pool.execute("""
                    INSERT INTO api_keys (user_id, name, prefix, last4, hash, capabilities, meta)
                    SELECT id, 'sql', 'ct_live_xxxx', 'xxxx', '\\x00'::bytea, '{view}', '[1]' FROM users WHERE username = 'ada'
                    """)
            }
            #expect(try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int.self, at: 0) == keys)
        }
    }
}
