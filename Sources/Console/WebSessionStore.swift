import Foundation
import Postgres
import Vault

/// Browser sessions in PostgreSQL: the cookie's token is stored only as its SHA-256; a session
/// lasts 12 hours at most and ends after 30 idle minutes (SPEC §10).
struct WebSessionStore: Sendable {
    let pool: PGPool
    let box: SecretBox
    let cache: ConsoleCache

    /// A new session for `userID`, signed in but not MFA-verified; returns the raw token (the
    /// cookie's value, never stored).
    func create(userID: Int64, ip: String?) async throws -> String {
        let token = try SecureRandom.token()
        try await pool.execute("""
            INSERT INTO web_sessions (user_id, token_hash, expires_at, ip)
            VALUES (\(userID), \(Self.hash(token)), now() + make_interval(secs => \(ConsoleCookie.absolute)), \(ip))
            """)
        return token
    }

    /// The live session `token` names, if any: from the cache, else read (and marked used, at
    /// most once a minute).
    func find(token: String) async throws -> WebSession? {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ $0 < 128 }) else { return nil }
        let digest = SHA256Digest(hashing: token)
        if let cached = cache.session(digest), cached.expiresAt > Date() { return cached }
        let generation = cache.generation
        guard let session = try await read(token: token, digest: digest) else { return nil }
        cache.store(session, for: digest, readAt: generation)
        return session
    }

    private func read(token: String, digest: SHA256Digest) async throws -> WebSession? {
        let rows = try await pool.query("""
            SELECT s.id, s.user_id, s.expires_at, u.username, u.email, u.is_staff, s.mfa_verified_at IS NOT NULL AS verified,
                   u.mfa_secret, s.pending_mfa_secret,
                   s.last_seen_at < now() - interval '60 seconds' AS stale,
                   (SELECT coalesce(json_agg(p ORDER BY p.kind, p.name, p.slug), '[]') FROM (
                        SELECT 'org' AS kind, o.slug, o.name, coalesce(o.owner_id = u.id, false) OR coalesce(m.role = 'admin', false) AS admin
                        FROM organisations o LEFT JOIN organisation_memberships m ON m.organisation_id = o.id AND m.user_id = u.id
                        WHERE o.owner_id = u.id OR m.user_id IS NOT NULL
                        UNION ALL
                        SELECT 'team', t.slug, t.name, true FROM teams t JOIN team_memberships tm ON tm.team_id = t.id
                        WHERE tm.user_id = u.id AND tm.role = 'admin') p) AS places
            FROM web_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(Data(digest.bytes)) AND s.expires_at > now()
              AND s.last_seen_at > now() - make_interval(secs => \(ConsoleCookie.idle)) AND u.is_active
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
            isStaff: try row.decode(Bool.self, named: "is_staff"),
            mfaVerified: try row.decode(Bool.self, named: "verified"),
            sealedSecret: try row.decode(String?.self, named: "mfa_secret"),
            pendingSecret: try row.decode(String?.self, named: "pending_mfa_secret"),
            csrf: try csrf(for: token),
            places: try row.decode(PGJSON<[WebSession.Place]>.self, named: "places").value
        )
    }

    /// Ends a session.
    func end(_ session: WebSession) async throws {
        try await pool.execute("DELETE FROM web_sessions WHERE id = \(session.id)")
        forget(session)
    }

    /// Drops this instance's cached sessions (and key list) of the session's user, after a
    /// change to them; other instances hear the table triggers' notice.
    func forget(_ session: WebSession) {
        cache.evict(userID: session.userID)
    }

    /// The CSRF token of the session whose cookie is `token`: a MAC of it, so it is never
    /// stored and cannot be made without the cookie.
    func csrf(for token: String) throws -> String {
        Data(try box.mac(Array("csrf:\(token)".utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256Digest(hashing: token).bytes)
    }
}
