import Postgres

/// Writes audit events inside the caller's transaction. Details never hold secrets.
enum AuditLog {
    static func record(
        _ action: String,
        actor: Int64?,
        organisation: Int64? = nil,
        target: String? = nil,
        detail: [String: String] = [:],
        on connection: PGConnection
    ) async throws {
        try await connection.execute("""
            INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
            VALUES (\(actor), \(organisation), \(action), \(target), \(PGJSON(detail)))
            """)
    }
}
