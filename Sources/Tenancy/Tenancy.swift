import Foundation
import Postgres
import Vault

/// Users, organisations, teams and memberships (SPEC §1, §8 `orgs`, `users`, `members`): who
/// belongs where, with which role. Each change is one transaction with its audit event (actor:
/// the operator), and the table triggers announce it to every instance; this instance's vault
/// forgets the user's cached keys at once. Bad input is refused before anything is written.
///
/// Membership ends here, and offboarding follows from it: the triggers of `db/core` revoke the
/// keys confined where a membership ended (SPEC §2).
public struct Tenancy: Sendable {
    /// Told of every change to a user, so that its cached keys go (``Vault/forget(userID:)``);
    /// its pool is the directory's too.
    let vault: Vault
    var pool: PGPool { vault.pool }

    public init(vault: Vault) { self.vault = vault }

    /// The id of `username`, or ``VaultError/userNotFound(_:)``.
    static func userID(_ username: String, on connection: PGConnection) async throws -> Int64 {
        guard let id = try await connection.query("SELECT id FROM users WHERE username = \(username)").first?.decode(Int64.self, at: 0) else {
            throw VaultError.userNotFound(username)
        }
        return id
    }

    /// Organisation slugs: 1 to 100 lowercase letters, digits, `-` and `_`.
    static func checkSlug(_ slug: String) throws {
        let allowed = slug.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F }
        guard !slug.isEmpty, slug.utf8.count <= 100, allowed else {
            throw VaultError.invalidInput("the slug must be 1 to 100 lowercase letters, digits, '-' or '_'")
        }
    }

    static func checkText(_ text: String, _ what: String, limit: Int, empty: Bool = false) throws {
        guard empty || !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw VaultError.invalidInput("\(what) may not be empty") }
        guard text.count <= limit, !text.contains(where: { $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
            throw VaultError.invalidInput("\(what) must be at most \(limit) characters, with no control characters")
        }
    }
}
