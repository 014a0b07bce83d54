import Foundation
import Postgres
import Vault

/// Browser sessions in PostgreSQL (SPEC §10): the cookie's token is stored only as its SHA-256;
/// a session lasts 12 hours at most and ends after 30 idle minutes. Its forms' CSRF token is a
/// MAC of the cookie under the deployment's MAC key, so it is stored nowhere.
public struct WebSessions: Sendable {
    let accounts: Accounts
    /// The deployment's secrets: MACs (CSRF tokens, unknown sign-in names), sealing (TOTP
    /// secrets) and code hashing (recovery codes).
    public let box: SecretBox

    var pool: PGPool { accounts.pool }

    /// Absolute lifetime of a session.
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    /// A session unused this long is over.
    public static let idleLifetime: TimeInterval = 30 * 60

    /// A new session for `userID`, signed in but not MFA-verified, audited `login`; returns the
    /// raw token (the cookie's value, never stored).
    public func create(userID: Int64, ip: String?) async throws -> String {
        let token = try SecureRandom.token()
        try await pool.execute("""
            INSERT INTO web_sessions (user_id, token_hash, expires_at, ip)
            VALUES (\(userID), \(Data(SHA256Digest(hashing: token).bytes)), now() + make_interval(secs => \(Self.absoluteLifetime)), \(ip))
            """)
        try await accounts.record("login", actor: userID, ip: ip)
        return token
    }

    /// The live session of `cookie` (of an active user), if any, marked used (at most once a
    /// minute).
    public func read(_ cookie: SessionCookie) async throws -> WebSession? {
        let rows = try await pool.query("""
            SELECT s.id, s.user_id, s.expires_at, u.username, u.email, s.mfa_verified_at IS NOT NULL AS verified,
                   u.mfa_secret, s.pending_mfa_secret,
                   s.last_seen_at < now() - interval '60 seconds' AS stale, s.mfa_method,
                   EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id) AS has_passkeys,
                   \(Self.passkeyRequired) AS passkey_required
            FROM web_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(Data(cookie.digest.bytes)) AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(secs => \(Self.idleLifetime)) AND u.is_active
            """)
        guard let row = rows.first else { return nil }
        let id = try row.decode(Int64.self, named: "id")
        if try row.decode(Bool.self, named: "stale") {
            try await pool.execute("UPDATE web_sessions SET last_seen_at = now() WHERE id = \(id)")
        }
        return WebSession(
            id: id,
            userID: try row.decode(Int64.self, named: "user_id"),
            expiresAt: try row.decode(Date.self, named: "expires_at"),
            username: try row.decode(String.self, named: "username"),
            email: try row.decode(String.self, named: "email"),
            mfaVerified: try row.decode(Bool.self, named: "verified"),
            sealedSecret: try row.decode(String?.self, named: "mfa_secret"),
            pendingSecret: try row.decode(String?.self, named: "pending_mfa_secret"),
            csrf: try csrf(for: cookie.token),
            mfaMethod: try row.decode(String?.self, named: "mfa_method"),
            hasPasskeys: try row.decode(Bool.self, named: "has_passkeys"),
            passkeyRequired: try row.decode(Bool.self, named: "passkey_required")
        )
    }

    /// Whether user `u` belongs to (or owns) an organisation whose key policy has
    /// `require_passkey` (SPEC §14): the one statement of that rule.
    static var passkeyRequired: PGQuery {
        """
        EXISTS (SELECT 1 FROM key_policies kp JOIN organisations o ON o.id = kp.organisation_id
                WHERE kp.require_passkey AND (o.owner_id = u.id OR EXISTS (
                    SELECT 1 FROM organisation_memberships m WHERE m.organisation_id = o.id AND m.user_id = u.id)))
        """
    }

    /// Ends a session (**Sign out**), audited `logout`.
    public func end(_ session: WebSession, ip: String?) async throws {
        try await pool.execute("DELETE FROM web_sessions WHERE id = \(session.id)")
        try await accounts.record("logout", actor: session.userID, ip: ip)
    }

    /// The CSRF token of the session whose cookie is `token`: a MAC of it, so it is never
    /// stored and cannot be made without the cookie.
    func csrf(for token: String) throws -> String {
        Data(try box.mac(Array("csrf:\(token)".utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
