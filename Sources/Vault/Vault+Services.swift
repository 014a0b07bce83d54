import Foundation
import Postgres

/// A backend service's credential record (never the secret).
public struct ServiceCredential: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var prefix: String
    /// The organisation the credential speaks for (SPEC §6 tenant-scoped services), or `nil`
    /// for a deployment-wide one.
    public var organisationID: Int64?
    public var revokedAt: Date?
}

/// A newly issued `ct_svc_` credential: shown once.
public struct IssuedServiceCredential: Sendable {
    public let secret: String
    public let credential: ServiceCredential
}

/// A service credential as `services list` shows it (never the secret nor its hash).
public struct ListedServiceCredential: Sendable {
    public let credential: ServiceCredential
    /// The slug of its organisation, `nil` for a deployment-wide credential.
    public let organisationSlug: String?
    public let createdAt: Date

    /// `active` or `revoked`.
    public var status: String { credential.revokedAt == nil ? "active" : "revoked" }
}

extension Vault {
    /// Issues a `ct_svc_` credential for a backend service: deployment-wide, or scoped to the
    /// organisation of slug `organisationSlug` (audited there).
    public func issueServiceCredential(name: String, organisationSlug: String? = nil) async throws -> IssuedServiceCredential {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw VaultError.invalidInput("a service needs a name of 1 to 200 characters") }
        let generated = try KeyFormat.generate(.service)
        let credential = try await pool.withTransaction { connection in
            var organisation: Int64?
            if let organisationSlug {
                let found = try await connection.query("SELECT id FROM organisations WHERE slug = \(organisationSlug)")
                guard let id = try found.first?.decode(Int64.self, at: 0) else { throw VaultError.organisationNotFound(organisationSlug) }
                organisation = id
            }
            let rows = try await connection.query("""
                INSERT INTO service_credentials (name, prefix, last4, hash, organisation_id)
                VALUES (\(name), \(generated.prefix), \(generated.last4), \(Data(generated.digest.bytes)), \(organisation))
                RETURNING id
                """)
            let id = try rows[0].decode(UUID.self, at: 0)
            var detail = ["name": name, "prefix": generated.prefix]
            detail["organisation"] = organisationSlug
            try await AuditLog.record("service.issued", actor: nil, organisation: organisation, target: id.uuidString.lowercased(),
                                      detail: detail, on: connection)
            return ServiceCredential(id: id, name: name, prefix: generated.prefix, organisationID: organisation, revokedAt: nil)
        }
        return IssuedServiceCredential(secret: generated.secret, credential: credential)
    }

    /// The active service credential a presented `ct_svc_` string belongs to, or nil.
    public func verifyServiceCredential(_ presented: String) async throws -> ServiceCredential? {
        guard let parsed = try? KeyFormat.parse(presented, as: .service) else { return nil }
        if let cached = serviceCache.lookup(parsed.digest) { return cached }
        let generation = serviceCache.generation
        let rows = try await pool.query("""
            SELECT \(Self.serviceColumns) FROM service_credentials s WHERE s.hash = \(Data(parsed.digest.bytes))
            """)
        guard let row = rows.first else { return nil }
        let credential = try Self.serviceCredential(row)
        guard credential.revokedAt == nil else { return nil }
        serviceCache.store(credential, for: parsed.digest, readAt: generation)
        return credential
    }

    /// Every service credential, oldest first, with its organisation's slug — never the secret.
    public func listServiceCredentials() async throws -> [ListedServiceCredential] {
        let rows = try await pool.query("""
            SELECT \(Self.serviceColumns), o.slug, s.created_at FROM service_credentials s
            LEFT JOIN organisations o ON o.id = s.organisation_id
            ORDER BY s.created_at, s.id
            """)
        return try rows.map { row in
            ListedServiceCredential(credential: try Self.serviceCredential(row), organisationSlug: try row.decode(String?.self, at: 5),
                                    createdAt: try row.decode(Date.self, at: 6))
        }
    }

    /// Revokes a service credential; idempotent. Audited in its organisation when it has one.
    public func revokeServiceCredential(id: UUID) async throws {
        let changed = try await pool.withTransaction { connection in
            let exists = try await connection.query("""
                SELECT revoked_at IS NOT NULL, organisation_id FROM service_credentials WHERE id = \(id) FOR UPDATE
                """)
            guard let row = exists.first else { throw VaultError.serviceNotFound(id.uuidString) }
            if try row.decode(Bool.self, at: 0) { return false }
            try await connection.execute("UPDATE service_credentials SET revoked_at = now(), updated_at = now() WHERE id = \(id)")
            try await AuditLog.record("service.revoked", actor: nil, organisation: try row.decode(Int64?.self, at: 1),
                                      target: id.uuidString.lowercased(), on: connection)
            return true
        }
        if changed { flushCache() }
    }

    /// The columns ``serviceCredential(_:)`` reads, first, from `service_credentials s`.
    private static let serviceColumns: PGQuery = "s.id, s.name, s.prefix, s.organisation_id, s.revoked_at"

    private static func serviceCredential(_ row: PGRow) throws -> ServiceCredential {
        ServiceCredential(
            id: try row.decode(UUID.self, at: 0), name: try row.decode(String.self, at: 1), prefix: try row.decode(String.self, at: 2),
            organisationID: try row.decode(Int64?.self, at: 3), revokedAt: try row.decode(Date?.self, at: 4))
    }
}
