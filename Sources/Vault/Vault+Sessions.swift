import Foundation
import Postgres

/// A session started by `POST /api/auth/login/` (SPEC §5): it acts as its key until it expires,
/// is ended, or its key stops being valid.
public struct SessionRecord: Sendable {
    public var id: UUID
    /// The anti-forgery token shown with the session (not a credential on its own).
    public var csrfToken: String
    public var expiresAt: Date
    public var createdAt: Date

    /// The columns ``init(row:)`` reads, in order, from `session_tokens s`.
    static let columns: PGQuery = "s.id, s.csrf_token, s.expires_at, s.created_at"

    init(row: PGRow) throws {
        id = try row.decode(UUID.self, at: 0)
        csrfToken = try row.decode(String.self, at: 1)
        expiresAt = try row.decode(Date.self, at: 2)
        createdAt = try row.decode(Date.self, at: 3)
    }
}

/// A live session as the vault holds it in memory: the session and its key's SHA-256.
struct LiveSession: Sendable {
    var session: SessionRecord
    var keyDigest: SHA256Digest
}

/// A newly started session and its token, which exists only in this value and the one
/// response that hands it out; the database keeps its SHA-256.
public struct StartedSession: Sendable {
    public var token: String
    public var session: SessionRecord
}

/// The result of checking a session token: the session, when it is live, and its key judged as
/// a presented key would be.
public struct SessionVerification: Sendable {
    /// `nil` when the token is malformed, unknown, ended or expired.
    public var session: SessionRecord?
    /// The session's key; `.notFound` when there is no live session.
    public var key: KeyVerification

    static let invalid = SessionVerification(session: nil, key: .notFound)
}

extension Vault {
    /// How long a session lasts unless configured otherwise: 12 hours.
    public static let defaultSessionLifetime: Duration = .seconds(12 * 3600)

    /// Starts a session for a valid key; audited as `login`.
    public func startSession(for key: VerifiedKey, lifetime: Duration = Vault.defaultSessionLifetime, ip: String? = nil) async throws -> StartedSession {
        let token = try SecureRandom.token()
        let csrfToken = try SecureRandom.token()
        let digest = SHA256Digest(hashing: token)
        let seconds = Double(lifetime.components.seconds)
        let session = try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO session_tokens AS s (token_hash, csrf_token, api_key_id, expires_at)
                VALUES (\(Data(digest.bytes)), \(csrfToken), \(key.key.id), now() + make_interval(secs => \(seconds)))
                RETURNING \(SessionRecord.columns)
                """)
            let session = try SessionRecord(row: rows[0])
            try await AuditLog.record(
                "login", actor: key.owner.id, organisation: key.key.organisationID, target: "session:\(session.id.uuidString.lowercased())",
                detail: ["key_prefix": key.key.prefix], ip: ip, on: connection)
            return session
        }
        return StartedSession(token: token, session: session)
    }

    /// Checks a session token: a string that cannot be a token is refused without touching the
    /// database; a live session is then judged by its key, so it dies with the key.
    ///
    /// Sessions are held in memory like keys (``sessions``): a session ended or changed by any
    /// writer announces its key's owner (`db/core/0026`), whose entries every instance forgets,
    /// and an entry is re-read after at most a minute.
    public func verifySession(_ token: String) async throws -> SessionVerification {
        guard Self.isWellFormedSessionToken(token) else { return .invalid }
        let digest = SHA256Digest(hashing: token)
        if let cached = sessions.value(for: digest) {
            guard cached.session.expiresAt > Date() else { return .invalid }
            return SessionVerification(session: cached.session, key: try await verify(digest: cached.keyDigest))
        }
        let generation = sessions.generation
        let rows = try await pool.query("""
            SELECT \(SessionRecord.columns), k.hash, k.user_id
            FROM session_tokens s JOIN api_keys k ON k.id = s.api_key_id
            WHERE s.token_hash = \(Data(digest.bytes)) AND s.revoked_at IS NULL AND s.expires_at > now()
            """)
        guard let row = rows.first, let keyDigest = SHA256Digest(bytes: try row.decode(Data.self, at: 4)) else { return .invalid }
        let live = LiveSession(session: try SessionRecord(row: row), keyDigest: keyDigest)
        sessions.store(live, for: digest, userID: try row.decode(Int64.self, at: 5), readAt: generation)
        return SessionVerification(session: live.session, key: try await verify(digest: keyDigest))
    }

    /// Ends a session at once (this instance forgets it on return, the others on the change
    /// notice); audited as `logout`. Ending an ended session changes nothing.
    public func endSession(_ session: SessionRecord, of key: VerifiedKey, ip: String? = nil) async throws {
        defer { sessions.evict(userID: key.owner.id) }
        try await pool.withTransaction { connection in
            let ended = try await connection.execute("""
                UPDATE session_tokens SET revoked_at = now(), updated_at = now() WHERE id = \(session.id) AND revoked_at IS NULL
                """)
            guard ended > 0 else { return }
            try await AuditLog.record(
                "logout", actor: key.owner.id, organisation: key.key.organisationID, target: "session:\(session.id.uuidString.lowercased())",
                ip: ip, on: connection)
        }
    }

    /// Whether `token` has the shape of a session token: 43 base62 characters.
    static func isWellFormedSessionToken(_ token: String) -> Bool {
        var token = token
        return token.withUTF8 { $0.count == Base62.digitsFor256Bits && Base62.isAllDigits($0) }
    }
}
