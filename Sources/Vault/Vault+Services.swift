import Foundation
import Postgres

/// A backend service's credential record (never the secret).
public struct ServiceCredential: Sendable, Hashable {
    public var id: UUID
    public var name: String
    public var prefix: String
    public var revokedAt: Date?
}

/// A newly issued `ct_svc_` credential: shown once.
public struct IssuedServiceCredential: Sendable {
    public let secret: String
    public let credential: ServiceCredential
}

extension Vault {
    /// Issues a `ct_svc_` credential for a backend service.
    public func issueServiceCredential(name: String) async throws -> IssuedServiceCredential {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw VaultError.invalidInput("a service needs a name of 1 to 200 characters") }
        let generated = try KeyFormat.generate(.service)
        let credential = try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO service_credentials (name, prefix, last4, hash)
                VALUES (\(name), \(generated.prefix), \(generated.last4), \(Data(generated.digest.bytes)))
                RETURNING id
                """)
            let id = try rows[0].decode(UUID.self, at: 0)
            try await AuditLog.record("service.issued", actor: nil, target: id.uuidString.lowercased(),
                                      detail: ["name": name, "prefix": generated.prefix], on: connection)
            return ServiceCredential(id: id, name: name, prefix: generated.prefix, revokedAt: nil)
        }
        return IssuedServiceCredential(secret: generated.secret, credential: credential)
    }

    /// The active service credential a presented `ct_svc_` string belongs to, or nil.
    public func verifyServiceCredential(_ presented: String) async throws -> ServiceCredential? {
        guard let parsed = try? KeyFormat.parse(presented, as: .service) else { return nil }
        if let cached = serviceCache.lookup(parsed.digest) { return cached }
        let generation = serviceCache.generation
        let rows = try await pool.query("""
            SELECT id, name, prefix, revoked_at FROM service_credentials WHERE hash = \(Data(parsed.digest.bytes))
            """)
        guard let row = rows.first else { return nil }
        let credential = ServiceCredential(
            id: try row.decode(UUID.self, at: 0), name: try row.decode(String.self, at: 1),
            prefix: try row.decode(String.self, at: 2), revokedAt: try row.decode(Date?.self, at: 3))
        guard credential.revokedAt == nil else { return nil }
        serviceCache.store(credential, for: parsed.digest, readAt: generation)
        return credential
    }

    /// Revokes a service credential; idempotent.
    public func revokeServiceCredential(id: UUID) async throws {
        let changed = try await pool.withTransaction { connection in
            let exists = try await connection.query("SELECT revoked_at IS NOT NULL FROM service_credentials WHERE id = \(id) FOR UPDATE")
            guard let alreadyRevoked = try exists.first?.decode(Bool.self, at: 0) else { throw VaultError.keyNotFound(id.uuidString) }
            if alreadyRevoked { return false }
            try await connection.execute("UPDATE service_credentials SET revoked_at = now(), updated_at = now() WHERE id = \(id)")
            try await AuditLog.record("service.revoked", actor: nil, target: id.uuidString.lowercased(), on: connection)
            return true
        }
        if changed { flushCache() }
    }
}
