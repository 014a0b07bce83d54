import Postgres
import Vault

/// People's accounts (SPEC §2, §10): passwords, failed sign-ins and the lock-out, second factors
/// (TOTP and recovery codes) and browser sessions (``WebSessions``). The console asks this and
/// the vault, never PostgreSQL.
///
/// What a change to an account means for keys is the vault's: a password change revokes every
/// key of the user in the change's own transaction (``setPassword(username:password:keepingWebSession:ip:)``).
public struct Accounts: Sendable {
    /// Revokes keys for password changes, hashes passwords (its hasher, within its bound), and
    /// forgets changed users; its pool is the accounts' too.
    let vault: Vault
    var pool: PGPool { vault.pool }

    public init(vault: Vault) { self.vault = vault }

    /// The browser sessions of these accounts, with the deployment's secrets (MACs, sealing).
    public func webSessions(box: SecretBox) -> WebSessions {
        WebSessions(accounts: self, box: box)
    }

    /// Records an account event (`login`, `mfa.verified`, …) of `actor`, from `ip`. Details
    /// never hold secrets.
    func record(_ action: String, actor: Int64, target: String? = nil, detail: [String: String] = [:], ip: String?) async throws {
        try await pool.withConnection { connection in
            try await AuditLog.record(action, actor: actor, target: target, detail: detail, ip: ip, on: connection)
        }
    }
}
