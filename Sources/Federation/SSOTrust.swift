import Foundation
import Policy
import Postgres
import Vault

/// An organisation's trust in an OpenID Connect issuer (SPEC §11): whose ID tokens, for which
/// audience, signed by which keys, become keys with which capabilities and lifetime.
public struct SSOTrust: Sendable, Equatable {
    public enum KeySource: Sendable, Equatable {
        /// A JWKS document, stored with the trust.
        case document(String)
        /// An `https` URL the JWKS is fetched from (plain `http` only to loopback, for tests).
        case url(URL)
    }

    public var id: Int64
    public var organisationID: Int64
    public var organisationSlug: String
    public var issuer: String
    public var audience: String
    public var keys: KeySource
    public var capabilities: Capabilities
    public var keyLifetime: TimeInterval

    /// Default and longest lifetime of an exchanged key.
    public static let defaultLifetime: TimeInterval = 12 * 3600
    public static let longestLifetime: TimeInterval = 168 * 3600

    static let columns: PGQuery = """
        t.id, t.organisation_id, o.slug, t.issuer, t.audience, t.jwks, t.jwks_url, t.capabilities, t.key_ttl_seconds
        """

    init(row: PGRow) throws {
        let document = try row.decode(String?.self, at: 5)
        let address = try row.decode(String?.self, at: 6)
        guard let keys = document.map(KeySource.document) ?? address.flatMap(URL.init(string:)).map(KeySource.url),
              let capabilities = Capabilities(names: try row.decode([String].self, at: 7)) else {
            throw PGError(.decoding, message: "malformed sso_trusts row")
        }
        self.init(
            id: try row.decode(Int64.self, at: 0), organisationID: try row.decode(Int64.self, at: 1),
            organisationSlug: try row.decode(String.self, at: 2), issuer: try row.decode(String.self, at: 3),
            audience: try row.decode(String.self, at: 4), keys: keys, capabilities: capabilities,
            keyLifetime: TimeInterval(try row.decode(Int.self, at: 8)))
    }

    public init(
        id: Int64 = 0, organisationID: Int64 = 0, organisationSlug: String, issuer: String, audience: String, keys: KeySource,
        capabilities: Capabilities = .view, keyLifetime: TimeInterval = defaultLifetime
    ) {
        self.id = id
        self.organisationID = organisationID
        self.organisationSlug = organisationSlug
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.capabilities = capabilities
        self.keyLifetime = keyLifetime
    }

    /// Whether `url` may serve a JWKS: `https`, or `http` to this machine.
    public static func acceptable(_ url: URL) -> Bool {
        guard let host = url.host, !host.isEmpty else { return false }
        if url.scheme == "https" { return true }
        return url.scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }
}

/// The trusts in PostgreSQL (`sso_trusts`).
public struct SSOTrustStore: Sendable {
    let pool: PGPool

    public init(pool: PGPool) { self.pool = pool }

    /// Adds (or replaces) `trust` for the organisation `slug`; returns its id. Audited. Throws
    /// `VaultError.organisationNotFound` when no organisation has the slug.
    public func save(_ trust: SSOTrust) async throws -> Int64 {
        var document: String?, address: String?
        switch trust.keys {
        case .document(let text): document = text
        case .url(let url): address = url.absoluteString
        }
        return try await pool.withTransaction { connection in
            let organisations = try await connection.query("SELECT id FROM organisations WHERE slug = \(trust.organisationSlug)")
            guard let organisationID = try organisations.first?.decode(Int64.self, at: 0) else {
                throw VaultError.organisationNotFound(trust.organisationSlug)
            }
            let id = try await connection.query("""
                INSERT INTO sso_trusts (organisation_id, issuer, audience, jwks, jwks_url, capabilities, key_ttl_seconds)
                VALUES (\(organisationID), \(trust.issuer), \(trust.audience), \(document), \(address), \(trust.capabilities.names),
                        \(Int(trust.keyLifetime)))
                ON CONFLICT (organisation_id, issuer) DO UPDATE SET audience = EXCLUDED.audience, jwks = EXCLUDED.jwks,
                    jwks_url = EXCLUDED.jwks_url, capabilities = EXCLUDED.capabilities, key_ttl_seconds = EXCLUDED.key_ttl_seconds,
                    updated_at = now()
                RETURNING id
                """)[0].decode(Int64.self, at: 0)
            try await AuditLog.record("sso.trusted", actor: nil, organisation: organisationID, target: "sso_trust:\(id)",
                                      detail: ["issuer": trust.issuer, "audience": trust.audience], on: connection)
            return id
        }
    }

    /// Every trust, by organisation and issuer.
    public func list() async throws -> [SSOTrust] {
        try await pool.query("""
            SELECT \(SSOTrust.columns) FROM sso_trusts t JOIN organisations o ON o.id = t.organisation_id ORDER BY o.slug, t.issuer
            """).map(SSOTrust.init(row:))
    }

    /// The trusts of `issuer` (one per organisation that trusts it), each with the username of
    /// the active enterprise-tier member (or owner) of its organisation whose email is `email`
    /// (case-insensitive), if any: one query for the exchange's two lookups.
    public func trusts(issuer: String, member email: String?) async throws -> [(trust: SSOTrust, member: String?)] {
        let email = email.flatMap { $0.utf8.count <= 320 && !$0.contains("\u{0}") ? $0 : nil }
        return try await pool.query("""
            SELECT \(SSOTrust.columns),
                   (SELECT u.username FROM users u
                    WHERE lower(u.email) = lower(\(email)) AND u.is_active AND u.tier = 'enterprise'
                      AND (o.owner_id = u.id OR EXISTS (SELECT 1 FROM organisation_memberships m
                                                        WHERE m.user_id = u.id AND m.organisation_id = t.organisation_id)))
            FROM sso_trusts t JOIN organisations o ON o.id = t.organisation_id
            WHERE t.issuer = \(issuer) ORDER BY o.slug
            """).map { row in (try SSOTrust(row: row), try row.decode(String?.self, at: 9)) }
    }

    /// Removes a trust; whether there was one. Audited.
    @discardableResult
    public func remove(id: Int64) async throws -> Bool {
        try await pool.withTransaction { connection in
            let rows = try await connection.query("DELETE FROM sso_trusts WHERE id = \(id) RETURNING organisation_id, issuer")
            guard let row = rows.first else { return false }
            try await AuditLog.record("sso.untrusted", actor: nil, organisation: try row.decode(Int64.self, at: 0), target: "sso_trust:\(id)",
                                      detail: ["issuer": try row.decode(String.self, at: 1)], on: connection)
            return true
        }
    }
}
