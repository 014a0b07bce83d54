import Foundation
import Postgres
import Vault

/// Loads a fixture file into PostgreSQL in one transaction (`latchkey import`, SPEC §8).
///
/// Everything that can be checked without the database is checked first (see ``Fixture``);
/// then passwords are hashed, and every row is inserted in a single transaction, so any failure,
/// including a conflict with a row already in the database, leaves the database unchanged.
/// Keys are stored as given, without the issuance rules of SPEC §2, and only as their SHA-256
/// digest, prefix and last four characters: the raw keys exist only in the returned result.
public struct FixtureImporter: Sendable {
    public let pool: PGPool
    /// Hashes the fixture's passwords. Tests may pass cheap parameters; the CLI uses OWASP's.
    public let passwordHasher: PasswordHasher
    /// The plugins' sections a fixture may hold (each registered plugin's).
    public let sections: [any FixtureSection]
    /// Seals users' `mfa_secret` (`LATCHKEY_SECRET_KEY`); a fixture with one needs it.
    public let secretBox: SecretBox?

    public init(pool: PGPool, passwordHasher: PasswordHasher = PasswordHasher(), sections: [any FixtureSection] = [], secretBox: SecretBox? = nil) {
        self.pool = pool
        self.passwordHasher = passwordHasher
        self.sections = sections
        self.secretBox = secretBox
    }

    /// Validates and imports a fixture file's JSON; throws ``FixtureError`` naming the item at fault.
    public func importFixture(_ data: Data) async throws -> FixtureImportResult {
        try await importFixture(try Fixture(json: data, sections: sections))
    }

    /// Imports an already validated fixture in one transaction.
    public func importFixture(_ fixture: Fixture) async throws -> FixtureImportResult {
        let passwords = try await FixturePasswords.hash(fixture.users.map(\.password), with: passwordHasher)
        return try await pool.withTransaction { connection in
            var writer = FixtureWriter(connection: connection, secretBox: secretBox)
            try await writer.write(fixture, passwords: passwords)
            return writer.result
        }
    }
}
