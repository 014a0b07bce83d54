import Foundation
import Postgres
import Vault

/// Failed sign-ins and the lock-out of SPEC §10: five failed attempts on an account within 15
/// minutes lock it for 15 minutes. A wrong password and a wrong MFA or recovery code are
/// failures alike; only a completed sign-in (password and second factor) clears them
/// (``WebSessions/completeSignIn(_:attempt:method:ip:)``). Each attempt is counted before it is
/// judged, in one atomic step with the lock check (``Accounts/beginAttempt(_:)``), so concurrent
/// guesses cannot pass the lock.
extension Accounts {
    /// The user a sign-in names by username or email (a username match first); `nil` when the
    /// name is nobody's.
    public func signInUser(named identifier: String) async throws -> (id: Int64, username: String)? {
        // PostgreSQL text cannot hold NUL: such a name is nobody's, and is answered as one.
        guard !identifier.contains("\u{0}") else { return nil }
        let rows = try await pool.query("""
            SELECT id, username FROM users
            WHERE username = \(identifier) OR lower(email) = lower(\(identifier))
            ORDER BY (username = \(identifier)) DESC LIMIT 1
            """)
        return try rows.first.map { (id: try $0.decode(Int64.self, at: 0), username: try $0.decode(String.self, at: 1)) }
    }

    /// Whether the account is locked: five attempts failed within 15 minutes, the fifth less
    /// than 15 minutes ago (SPEC §10). Attempts on a locked account are not counted, so the
    /// lock lasts 15 minutes from the fifth failure.
    public func isLocked(_ account: SignInAccount) async throws -> Bool {
        let rows = try await pool.query("WITH failure AS (\(account.failures)) SELECT \(Self.locked)")
        return try rows[0].decode(Bool.self, at: 0)
    }

    /// Whether the failures in the CTE `failure` (column `at`) lock their account now.
    static var locked: PGQuery {
        """
        EXISTS (
            SELECT 1 FROM failure fifth
            WHERE fifth.at > now() - interval '15 minutes'
              AND (SELECT count(*) FROM failure f WHERE f.at > fifth.at - interval '15 minutes' AND f.at <= fifth.at) >= 5)
        """
    }

    /// Counts an attempt on `account` as a failure before it is judged, unless the account is
    /// locked (then `nil`, and nothing is counted): the check and the count are one step, taken
    /// under a lock per account, so of any number of concurrent attempts at most five are judged
    /// before the lock (SPEC §10). An attempt that proves right is withdrawn
    /// (``withdraw(_:)``); a completed sign-in clears the account's failures.
    ///
    /// The transaction runs at READ COMMITTED (PostgreSQL's default): its second statement sees
    /// what the lock's previous holder committed.
    public func beginAttempt(_ account: SignInAccount) async throws -> SignInAttempt? {
        try await pool.withTransaction { connection in
            try await connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(\(account.lockName), 0))")
            if case .unknown = account {
                // Failures under unknown names older than 30 minutes can no longer matter.
                try await connection.execute("DELETE FROM unknown_sign_in_failures WHERE at < now() - interval '30 minutes'")
            }
            let rows = try await connection.query("""
                WITH failure AS (\(account.failures))
                \(account.insertFailure) WHERE NOT \(Self.locked)
                RETURNING id
                """)
            return try rows.first.map { SignInAttempt(account: account, id: try $0.decode(Int64.self, at: 0)) }
        }
    }

    /// Judges an attempt with `judge`; when judging fails (the database, or password hashing at
    /// its bound), the attempt was not judged and is withdrawn, so an outage locks no one.
    public func judging<Result>(_ attempt: SignInAttempt, _ judge: () async throws -> Result) async throws -> Result {
        do {
            return try await judge()
        } catch {
            try? await withdraw(attempt)
            throw error
        }
    }

    /// Takes back an attempt's failure: it proved right (or was never judged).
    public func withdraw(_ attempt: SignInAttempt) async throws {
        switch attempt.account {
        case .user: try await pool.execute("DELETE FROM sign_in_failures WHERE id = \(attempt.id)")
        case .unknown: try await pool.execute("DELETE FROM unknown_sign_in_failures WHERE id = \(attempt.id)")
        }
    }

    /// Audits a failed attempt on an account as `login.failed` (a name that is nobody's is not
    /// audited: there is no one to audit).
    public func recordFailure(_ account: SignInAccount, ip: String?) async throws {
        if case .user(let userID) = account { try await record("login.failed", actor: userID, ip: ip) }
    }
}

/// An attempt counted in advance as a failure (``Accounts/beginAttempt(_:)``): the row's id.
public struct SignInAttempt: Sendable {
    public let account: SignInAccount
    let id: Int64
}

/// Whose failed sign-ins count: an account's, or those under a name that is nobody's.
public enum SignInAccount: Sendable {
    case user(Int64)
    /// A name that is nobody's, by the MAC of its lower-cased form (``unknown(_:box:)``).
    case unknown(nameHash: Data)

    /// The account of a name that is nobody's. The name is kept only as an HMAC of its
    /// lower-cased form under the deployment's MAC key: a password typed into the username
    /// field must not be stored, not even as a plain hash anyone could try guesses against.
    public static func unknown(_ name: String, box: SecretBox) throws -> SignInAccount {
        .unknown(nameHash: Data(try box.mac(Array("sign-in.unknown-name:\(name.lowercased())".utf8))))
    }

    /// A query of the times of the account's failures (column `at`).
    var failures: PGQuery {
        switch self {
        case .user(let id): "SELECT at FROM sign_in_failures WHERE user_id = \(id)"
        case .unknown(let nameHash): "SELECT at FROM unknown_sign_in_failures WHERE name_hash = \(nameHash)"
        }
    }

    /// An `INSERT … SELECT` of one failure now, to be completed by a `WHERE`.
    var insertFailure: PGQuery {
        switch self {
        case .user(let id): "INSERT INTO sign_in_failures (user_id) SELECT \(id)"
        case .unknown(let nameHash): "INSERT INTO unknown_sign_in_failures (name_hash) SELECT \(nameHash)"
        }
    }

    /// The name of the advisory lock under which the account's attempts are counted.
    var lockName: String {
        switch self {
        case .user(let id): "latchkey.sign-in.user:\(id)"
        case .unknown(let nameHash): "latchkey.sign-in.name:" + nameHash.base64EncodedString()
        }
    }
}
