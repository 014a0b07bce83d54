import Foundation
import Postgres

/// Leaked keys (SPEC §2): holding a key is proof enough to kill it.
extension Vault {
    /// A credential reported as leaked, and where it was found when the report says (GitHub's
    /// alert `url`).
    public struct Leak: Sendable {
        public var credential: String
        public var url: String?

        public init(_ credential: String, url: String? = nil) {
            self.credential = credential
            self.url = url
        }
    }

    /// Revokes at once every valid, unrevoked `ct_live_` key among `leaks`, and every key rolled
    /// from one (the `rolled_to` chain: whoever found a key cannot roll it into a successor that
    /// survives the report), with their sessions,
    /// audited `key.revoked_leak` with `source` (`revoke-leaked` or `github`) and the URL;
    /// anything else (not a key, a bad checksum, unknown, already revoked) is passed over
    /// silently. Returns the digests of the keys that exist (revoked now or before), for answers
    /// that may say which were real (GitHub's feedback); answers to anyone say nothing of it.
    @discardableResult
    public func revokeLeaked(_ leaks: [Leak], source: String, ip: String? = nil) async throws -> Set<SHA256Digest> {
        var digests: Set<SHA256Digest> = []
        var urls: [SHA256Digest: String] = [:]
        for leak in leaks {
            guard let digest = try? KeyFormat.parse(leak.credential, as: .live).digest else { continue }
            digests.insert(digest)
            if urls[digest] == nil, let url = leak.url { urls[digest] = String(url.prefix(2048)) }
        }
        guard !digests.isEmpty else { return [] }
        let hashes = digests.map { Data($0.bytes) }
        let (known, owners) = try await pool.withTransaction { connection -> (Set<SHA256Digest>, Set<Int64>) in
            let existing = try await connection.query("SELECT hash FROM api_keys WHERE hash = ANY(\(hashes))")
            let known = Set(try existing.compactMap { SHA256Digest(bytes: Array(try $0.decode(Data.self, at: 0))) })
            let revoked = try await connection.query("""
                WITH RECURSIVE chain (id) AS (
                    SELECT id FROM api_keys WHERE hash = ANY(\(hashes))
                    UNION SELECT k.rolled_to FROM api_keys k JOIN chain c ON k.id = c.id WHERE k.rolled_to IS NOT NULL)
                UPDATE api_keys SET revoked_at = now(), revoke_reason = 'leaked', updated_at = now()
                WHERE id IN (SELECT id FROM chain) AND revoked_at IS NULL
                RETURNING id, user_id, organisation_id, prefix, hash
                """)
            var owners: Set<Int64> = []
            for row in revoked {
                owners.insert(try row.decode(Int64.self, at: 1))
                var detail = ["prefix": try row.decode(String.self, at: 3), "reason": "leaked", "source": source]
                let digest = SHA256Digest(bytes: Array(try row.decode(Data.self, at: 4)))
                if let digest, let url = urls[digest] { detail["url"] = url }
                if let digest, !digests.contains(digest) { detail["rolled_from_leaked"] = "true" }
                try await AuditLog.record(
                    "key.revoked_leak", actor: nil, organisation: try row.decode(Int64?.self, at: 2),
                    target: try row.decode(UUID.self, at: 0).uuidString.lowercased(), detail: detail, ip: ip, on: connection)
            }
            if !revoked.isEmpty {
                let ids = try revoked.map { try $0.decode(UUID.self, at: 0) }
                try await connection.execute("""
                    UPDATE session_tokens SET revoked_at = now(), updated_at = now()
                    WHERE revoked_at IS NULL AND api_key_id = ANY(\(ids))
                    """)
            }
            VaultMetrics.revoked(revoked.count, .leaked)
            return (known, owners)
        }
        for owner in owners { forget(userID: owner) }
        if !owners.isEmpty { logger.warning("revoked leaked keys", metadata: ["source": "\(source)"]) }
        return known
    }
}
