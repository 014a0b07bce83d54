import Foundation
import Policy
import Postgres

/// Rolling a key (SPEC §2): a new key in the old one's place, the old one kept for a grace period.
extension Vault {
    /// The longest grace period, in hours, and the default.
    public static let longestGraceHours = 168
    public static let defaultGraceHours = 24

    /// Replaces the key `keyID` by a new one with the same owner, organisation, name,
    /// capabilities, permissions and selections (SPEC §15), allowed ranges and expiry. The old key keeps working until
    /// `min(now + graceHours, its own expiry)`; its `rolled_to` names the new one. A key is
    /// rolled once (`VaultError.alreadyRolled`); revoked or expired keys are not rolled. The
    /// tier's active-key limit binds the new key as it binds any other, but for the key it
    /// replaces: the user holds one key more only for the grace, so a chain of rolls cannot
    /// outgrow the limit (a roll is refused while the limit is reached without the old key).
    /// Audited `key.rolled` as the key's user, with `via` (`key`, `console`, `cli`) and `ip`. A
    /// key of an organisation whose key policy the new key would break is not rolled
    /// (``VaultError/policyViolation(_:)``).
    public func roll(keyID: UUID, graceHours: Int, via: String = "key", ip: String? = nil) async throws -> IssuedKey {
        guard (0...Self.longestGraceHours).contains(graceHours) else {
            throw VaultError.invalidInput("grace_hours must be 0 to \(Self.longestGraceHours)")
        }
        let generated = try KeyFormat.generate(.live)
        let newID = UUID()
        let (old, new): (KeyRecord, KeyRecord) = try await pool.withTransaction { connection in
            let rows = try await connection.query("SELECT \(KeyRecord.columns) FROM api_keys k WHERE k.id = \(keyID) FOR UPDATE")
            guard let row = rows.first else { throw VaultError.keyNotFound(keyID.uuidString) }
            let old = try KeyRecord(row: row)
            guard old.rolledTo == nil else { throw VaultError.alreadyRolled }
            guard old.status(at: Date()) == "active" else { throw VaultError.invalidInput("only an active key can be rolled") }
            // SPEC §14: the new key is an issuance confined to the organisation; it keeps the old
            // key's terms, which must keep the policy now (approval is not asked again: the key
            // replaces one its holder already has).
            if let organisation = old.organisationID {
                let policy = try await KeyPolicy.read(organisation: organisation, on: connection)
                if let why = policy.violation(expiresAt: old.expiresAt, allowedCIDRs: old.allowedCIDRs, capabilities: old.capabilities) {
                    throw VaultError.policyViolation(why)
                }
            }
            let owner = try await connection.query("""
                SELECT u.tier, (SELECT count(*) FROM api_keys a WHERE a.user_id = u.id AND a.id <> \(keyID) AND a.revoked_at IS NULL
                                                     AND (a.expires_at IS NULL OR a.expires_at > now()))
                FROM users u WHERE u.id = \(old.userID) FOR UPDATE
                """)
            if let row = owner.first, let limit = try PrincipalLoader.tier(row.decode(String.self, at: 0)).activeKeyLimit,
               try row.decode(Int.self, at: 1) >= limit {
                throw VaultError.denied(.deny(.denyLimit, "The key's user already holds the active-key limit of their tier besides this key; revoke one first."))
            }
            let inserted = try await connection.query("""
                INSERT INTO api_keys AS k (id, user_id, organisation_id, team_id, name, prefix, last4, hash, capabilities, created_by, expires_at,
                                           allowed_cidrs, meta, rate_limit, permissions, resources)
                SELECT \(newID), user_id, organisation_id, team_id, name, \(generated.prefix), \(generated.last4), \(Data(generated.digest.bytes)),
                       capabilities, user_id, expires_at, allowed_cidrs, meta, rate_limit, permissions, resources
                FROM api_keys WHERE id = \(keyID)
                RETURNING \(KeyRecord.columns)
                """)
            let new = try KeyRecord(row: inserted[0])
            let updated = try await connection.query("""
                UPDATE api_keys AS k SET rolled_to = \(newID), updated_at = now(),
                    expires_at = LEAST(coalesce(k.expires_at, 'infinity'), now() + make_interval(hours => \(graceHours)::int))
                WHERE k.id = \(keyID) RETURNING \(KeyRecord.columns)
                """)
            try await AuditLog.record(
                "key.rolled", actor: old.userID, organisation: old.organisationID, target: keyID.uuidString.lowercased(),
                detail: ["new_key": newID.uuidString.lowercased(), "prefix": old.prefix, "new_prefix": new.prefix,
                         "grace_hours": String(graceHours), "via": via],
                ip: ip, on: connection)
            return (try KeyRecord(row: updated[0]), new)
        }
        forget(userID: old.userID)
        logger.info("rolled key", metadata: ["key": "\(old.id)", "to": "\(new.id)", "user": "\(old.userID)"])
        return IssuedKey(secret: generated.secret, record: new)
    }
}
