import Postgres
import Vault

/// Passwords (SPEC §2, §10): scrypt, off the cooperative thread pool and within the instance's
/// bound on hashing at once (``Vault/passwordHashing``). Changing one revokes all of the user's
/// keys and API sessions and ends their other browser sessions, in one transaction.
extension Accounts {
    /// Sets a user's password and, in the same transaction, revokes all their keys and API
    /// sessions (``Vault/revokeKeysForPasswordChange(userID:ip:on:)``) and ends their browser
    /// sessions (but `keepingWebSession`, the console's own).
    ///
    /// Returns how many keys were revoked. `VaultError.passwordHashingBusy` when the bound stays full.
    @discardableResult
    public func setPassword(username: String, password: String, keepingWebSession: Int64? = nil, ip: String? = nil) async throws -> Int {
        guard password.count >= 8, password.utf8.count <= 1024 else {
            throw VaultError.invalidInput("a password needs 8 to 1024 characters")
        }
        let hasher = vault.passwordHasher
        let encoded = try await vault.passwordHashing.run { try hasher.hash(password: password) }
        let (userID, revoked) = try await pool.withTransaction { connection in
            let users = try await connection.query("""
                UPDATE users SET password = \(encoded), password_changed_at = now(), updated_at = now()
                WHERE username = \(username) RETURNING id
                """)
            guard let userID = try users.first?.decode(Int64.self, at: 0) else { throw VaultError.userNotFound(username) }
            let revoked = try await vault.revokeKeysForPasswordChange(userID: userID, ip: ip, on: connection)
            try await connection.execute("""
                DELETE FROM web_sessions WHERE user_id = \(userID) AND id IS DISTINCT FROM \(keepingWebSession)
                """)
            return (userID, revoked)
        }
        vault.passwordChangeCommitted(userID: userID, revokedKeys: revoked)
        return revoked
    }

    /// The console's **Change password** by the signed-in user of `session`: ``setPassword(username:password:keepingWebSession:ip:)``
    /// keeping this session, audited `password.changed`. Returns how many keys were revoked.
    public func changePassword(of session: WebSession, to password: String, ip: String?) async throws -> Int {
        let revoked = try await setPassword(username: session.username, password: password, keepingWebSession: session.id, ip: ip)
        try await record("password.changed", actor: session.userID, target: "user:\(session.userID)", ip: ip)
        return revoked
    }

    /// Checks a password against the stored scrypt hash of active user `username`.
    ///
    /// An unknown (or inactive) user costs a hash too, so timing does not reveal which usernames
    /// exist. `VaultError.passwordHashingBusy` when no hashing slot frees within the bound's wait.
    public func checkPassword(username: String, password: String) async throws -> Bool {
        let rows = try await pool.query("SELECT password FROM users WHERE username = \(username) AND is_active")
        let encoded = try rows.first?.decode(String?.self, at: 0) ?? nil
        let hasher = vault.passwordHasher
        return try await vault.passwordHashing.run {
            guard let encoded else {
                _ = try? hasher.hash(password: password)
                return false
            }
            return hasher.verify(password: password, against: encoded)
        }
    }
}
