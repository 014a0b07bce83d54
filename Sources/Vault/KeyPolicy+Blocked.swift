import Foundation
import Postgres

extension KeyPolicy {
    /// Why `key` is out of use under this policy at `now` without being revoked or expired:
    /// outlived `max_lifetime_days` (it answers as expired) or blocked (403 `POLICY_BLOCKED`);
    /// `nil` when neither.
    public func refusal(of key: KeyRecord, at now: Date) -> String? {
        if outlived(key, at: now) {
            return "API key is blocked by its organisation's key policy: it is older than max_lifetime_days."
        }
        return block(of: key)
    }

    /// Audits `key.blocked` (SPEC §14, a webhook event) for each live key of organisation `id`
    /// that this policy puts out of use and `before` did not, on `connection` (the transaction of
    /// the change); `detail.rule` says why, `detail.via` how the policy changed. Returns how many.
    @discardableResult
    public func auditNewlyBlocked(organisation id: Int64, before: KeyPolicy, actor: Int64?, via: String, ip: String?,
                                  on connection: PGConnection, now: Date = Date()) async throws -> Int {
        guard !isOpen else { return 0 }
        let rows = try await connection.query("""
            SELECT \(KeyRecord.columns) FROM api_keys k
            WHERE k.organisation_id = \(id) AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
            """)
        var blocked = 0
        for row in rows {
            let key = try KeyRecord(row: row)
            guard let rule = refusal(of: key, at: now), before.refusal(of: key, at: now) == nil else { continue }
            try await AuditLog.record("key.blocked", actor: actor, organisation: id, target: key.id.uuidString.lowercased(),
                                      detail: ["rule": rule, "via": via], ip: ip, on: connection)
            blocked += 1
        }
        return blocked
    }
}
