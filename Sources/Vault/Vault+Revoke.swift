import Foundation
import Policy
import Postgres

/// Revocation and password changes (SPEC §2: immediate, idempotent, audited; a password change
/// revokes all of the user's keys and sessions); other instances hear the table triggers.
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

    /// Sets a user's password (scrypt) and, in the same transaction, revokes all their keys and
    /// API sessions and ends their browser sessions (but `keepingWebSession`, the console's own).
    ///
    /// Returns how many keys were revoked. Hashing runs off the cooperative thread pool, within
    /// the instance's bound (``PasswordHashingBusy`` when it stays full).
    @discardableResult
    public func setPassword(username: String, password: String, keepingWebSession: Int64? = nil, ip: String? = nil) async throws -> Int {
        guard password.count >= 8, password.utf8.count <= 1024 else {
            throw VaultError.invalidInput("a password needs 8 to 1024 characters")
        }
        let hasher = passwordHasher
        let encoded = try await passwordHashing.run { try hasher.hash(password: password) }
        let (userID, revoked) = try await pool.withTransaction { connection in
            let users = try await connection.query("""
                UPDATE users SET password = \(encoded), password_changed_at = now(), updated_at = now()
                WHERE username = \(username) RETURNING id
                """)
            guard let userID = try users.first?.decode(Int64.self, at: 0) else { throw VaultError.userNotFound(username) }
            let revoked = try await connection.execute("""
                UPDATE api_keys SET revoked_at = now(), revoke_reason = 'password_change', updated_at = now()
                WHERE user_id = \(userID) AND revoked_at IS NULL
                """)
            try await connection.execute("""
                UPDATE session_tokens SET revoked_at = now(), updated_at = now()
                WHERE revoked_at IS NULL AND api_key_id IN (SELECT id FROM api_keys WHERE user_id = \(userID))
                """)
            try await connection.execute("""
                DELETE FROM web_sessions WHERE user_id = \(userID) AND id IS DISTINCT FROM \(keepingWebSession)
                """)
            try await AuditLog.record(
                "keys.revoked_password_change", actor: userID, target: "user:\(userID)",
                detail: ["revoked_keys": String(revoked)], ip: ip, on: connection)
            return (userID, revoked)
        }
        forget(userID: userID)
        VaultMetrics.revoked(revoked, .passwordChange)
        return revoked
    }

    /// Checks a password against the stored scrypt hash, off the cooperative pool and within the
    /// instance's bound on hashing at once (SPEC §10).
    ///
    /// - Throws: ``PasswordHashingBusy`` when no hashing slot frees within the bound's wait.
    public func checkPassword(username: String, password: String) async throws -> Bool {
        let rows = try await pool.query("SELECT password FROM users WHERE username = \(username) AND is_active")
        let encoded = try rows.first?.decode(String?.self, at: 0) ?? nil
        let hasher = passwordHasher
        return try await passwordHashing.run {
            // Hash even for unknown users so timing does not reveal which usernames exist.
            guard let encoded else {
                _ = try? hasher.hash(password: password)
                return false
            }
            return hasher.verify(password: password, against: encoded)
        }
    }
}

