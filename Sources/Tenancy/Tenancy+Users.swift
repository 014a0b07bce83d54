import Policy
import Postgres
import Vault

/// Users (SPEC §8 `users create|set-tier|deactivate`): a tier change or a deactivation takes
/// effect on every key of the user at once, here and (by the triggers) everywhere.
extension Tenancy {
    /// Creates a user without a password (`users set-password` gives one); their id.
    public func createUser(username: String, email: String, tier: Tier, firstName: String = "", lastName: String = "") async throws -> Int64 {
        try Self.checkText(username, "the username", limit: 150)
        guard !username.contains(where: \.isWhitespace) else { throw VaultError.invalidInput("the username may not contain spaces") }
        try Self.checkText(email, "the email", limit: 320)
        guard email.split(separator: "@", omittingEmptySubsequences: false).count == 2, !email.hasPrefix("@"), !email.hasSuffix("@") else {
            throw VaultError.invalidInput("\(email) is not an email address")
        }
        try Self.checkText(firstName, "the first name", limit: 150, empty: true)
        try Self.checkText(lastName, "the last name", limit: 150, empty: true)
        return try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO users (username, email, tier, first_name, last_name) VALUES (\(username), \(email), \(tier.rawValue), \(firstName), \(lastName))
                ON CONFLICT DO NOTHING RETURNING id
                """)
            guard let id = try rows.first?.decode(Int64.self, at: 0) else {
                throw VaultError.invalidInput("a user with username \(username) or email \(email) already exists")
            }
            try await AuditLog.record("user.created", actor: nil, target: "user:\(id)", detail: ["username": username, "tier": tier.rawValue], on: connection)
            return id
        }
    }

    /// Changes a user's tier (SPEC §2: on `free` their keys answer 403 until it returns); cached
    /// keys of the user are evicted everywhere.
    public func setTier(username: String, tier: Tier) async throws {
        let userID = try await pool.withTransaction { connection in
            let users = try await connection.query("""
                UPDATE users SET tier = \(tier.rawValue), updated_at = now() WHERE username = \(username) RETURNING id
                """)
            guard let userID = try users.first?.decode(Int64.self, at: 0) else { throw VaultError.userNotFound(username) }
            try await AuditLog.record("user.tier_changed", actor: nil, target: "user:\(userID)", detail: ["tier": tier.rawValue], on: connection)
            return userID
        }
        vault.forget(userID: userID)
    }

    /// Deactivates a user: their keys and sessions stop working at once, everywhere, and their
    /// memberships' confined keys are revoked (offboarding, by trigger).
    public func deactivate(username: String) async throws {
        let id = try await pool.withTransaction { connection in
            let id = try await Self.userID(username, on: connection)
            try await connection.execute("UPDATE users SET is_active = false, updated_at = now() WHERE id = \(id)")
            try await AuditLog.record("user.deactivated", actor: nil, target: "user:\(id)", detail: ["username": username], on: connection)
            return id
        }
        vault.forget(userID: id)
    }
}
