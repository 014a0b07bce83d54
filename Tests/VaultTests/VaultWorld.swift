import Foundation
import Logging
import NIOConcurrencyHelpers
import Policy
import Postgres
import TestSupport
@testable import Vault

/// Seeds users, organisations and teams into a migrated database for vault tests.
struct VaultWorld {
    let pool: PGPool

    /// A cheap scrypt cost so tests stay fast; one test uses the default cost.
    static let fastHasher = PasswordHasher(parameters: ScryptParameters(log2N: 10))

    func vault(cacheTTL: Duration = .seconds(30), logger: Logger = Logger(label: "test")) -> Vault {
        Vault(pool: pool, cacheTTL: cacheTTL, passwordHasher: Self.fastHasher, logger: logger)
    }

    @discardableResult
    func user(_ username: String, tier: Tier, staff: Bool = false, active: Bool = true) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO users (username, email, tier, is_staff, is_active)
            VALUES (\(username), \(username + "@example.com"), \(tier.rawValue), \(staff), \(active)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    @discardableResult
    func organisation(_ slug: String, owner: Int64? = nil, members: [(Int64, String)] = []) async throws -> Int64 {
        let id = try await pool.query("INSERT INTO organisations (slug, name, owner_id) VALUES (\(slug), \(slug.uppercased()), \(owner)) RETURNING id")[0].decode(Int64.self, at: 0)
        for (user, role) in members {
            try await pool.execute("INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(id), \(user), \(role))")
        }
        return id
    }

    @discardableResult
    func team(_ slug: String, organisation: Int64? = nil, members: [(Int64, String)] = []) async throws -> Int64 {
        let id = try await pool.query("INSERT INTO teams (slug, name, organisation_id) VALUES (\(slug), \(slug), \(organisation)) RETURNING id")[0].decode(Int64.self, at: 0)
        for (user, role) in members {
            try await pool.execute("INSERT INTO team_memberships (team_id, user_id, role) VALUES (\(id), \(user), \(role))")
        }
        return id
    }

    /// Inserts a key directly (as an import would), bypassing issuance rules.
    func insertKey(for userID: Int64, expiresAt: Date? = nil) async throws -> String {
        let key = try KeyFormat.generate(.live)
        try await pool.execute("""
            INSERT INTO api_keys (user_id, name, prefix, last4, hash, expires_at)
            VALUES (\(userID), 'direct', \(key.prefix), \(key.last4), \(Data(key.digest.bytes)), \(expiresAt))
            """)
        return key.secret
    }

    static func withWorld<Result>(_ body: (VaultWorld) async throws -> Result) async throws -> Result {
        try await TestDatabase.withMigratedPool { pool in try await body(VaultWorld(pool: pool)) }
    }
}
