import Foundation
import Policy
import Postgres

/// Revocation (SPEC §2: immediate, idempotent, audited), and the revocation of a password change
/// (all of the user's keys and sessions, in the change's transaction); other instances hear the
/// table triggers.
extension Vault {
    /// Revokes a key at once. Idempotent: revoking a revoked key changes nothing and succeeds.
    ///
    /// A user issuer must pass the `key.revoke` policy (the key's owner, an admin of its
    /// organisation, or staff). The key's sessions die with it.
    @discardableResult
    public func revoke(keyID: UUID, by issuer: KeyIssuer = .platformOperator, reason: String = "revoked", ip: String? = nil) async throws -> KeyRecord {
        let record = try await pool.withTransaction { connection in
            let rows = try await connection.query("SELECT \(KeyRecord.columns) FROM api_keys k WHERE k.id = \(keyID) FOR UPDATE")
            guard let row = rows.first else { throw VaultError.keyNotFound(keyID.uuidString) }
            let key = try KeyRecord(row: row)
            let (principal, issuerID) = try await issuerPrincipal(issuer, on: connection)
            let teams = try await connection.query("SELECT team_id FROM team_memberships WHERE user_id = \(key.userID)")
            let facts = KeyFacts(ownerID: key.userID, organisationID: key.organisationID, teamID: key.teamID, ownerTeamIDs: IDSet(try teams.map { try $0.decode(Int64.self, at: 0) }))
            let decision = engine.decide(.user(principal), .keyRevoke, .key(facts))
            guard decision.isAllowed else { throw VaultError.denied(decision) }
            if key.revokedAt != nil { return key }

            let updated = try await connection.query("""
                UPDATE api_keys AS k SET revoked_at = now(), revoked_by = \(issuerID), revoke_reason = \(reason), updated_at = now()
                WHERE k.id = \(keyID) RETURNING \(KeyRecord.columns)
                """)
            try await connection.execute("""
                UPDATE session_tokens SET revoked_at = now(), updated_at = now() WHERE api_key_id = \(keyID) AND revoked_at IS NULL
                """)
            try await AuditLog.record(
                "key.revoked", actor: issuerID, organisation: key.organisationID, target: keyID.uuidString.lowercased(),
                detail: ["prefix": key.prefix, "reason": reason], ip: ip, on: connection)
            VaultMetrics.revoked(1, .request)
            return try KeyRecord(row: updated[0])
        }
        forget(userID: record.userID)
        return record
    }

    /// The vault's part of a password change (SPEC §2), on the connection of the change's
    /// transaction so that both commit together: every live key of user `userID` is revoked
    /// (reason `password_change`) with the API sessions made from them, audited as
    /// `keys.revoked_password_change`. Returns how many keys were revoked; once the transaction
    /// commits, call ``passwordChangeCommitted(userID:revokedKeys:)``.
    public func revokeKeysForPasswordChange(userID: Int64, ip: String? = nil, on connection: PGConnection) async throws -> Int {
        let revoked = try await connection.execute("""
            UPDATE api_keys SET revoked_at = now(), revoke_reason = 'password_change', updated_at = now()
            WHERE user_id = \(userID) AND revoked_at IS NULL
            """)
        try await connection.execute("""
            UPDATE session_tokens SET revoked_at = now(), updated_at = now()
            WHERE revoked_at IS NULL AND api_key_id IN (SELECT id FROM api_keys WHERE user_id = \(userID))
            """)
        try await AuditLog.record(
            "keys.revoked_password_change", actor: userID, target: "user:\(userID)",
            detail: ["revoked_keys": String(revoked)], ip: ip, on: connection)
        return revoked
    }

    /// After a password change committed: this instance forgets the user's cached keys at once
    /// (other instances hear the table triggers), and the revocations are counted.
    public func passwordChangeCommitted(userID: Int64, revokedKeys: Int) {
        forget(userID: userID)
        VaultMetrics.revoked(revokedKeys, .passwordChange)
    }
}
