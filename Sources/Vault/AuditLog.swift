import Postgres

/// Writes audit events inside the caller's transaction. Details never hold secrets.
public enum AuditLog {
    /// Records `action` (e.g. `key.revoked`, `survey.updated`) by `actor` on `target`, from `ip`.
    public static func record(
        _ action: String,
        actor: Int64?,
        organisation: Int64? = nil,
        target: String? = nil,
        detail: [String: String] = [:],
        ip: String? = nil,
        on connection: PGConnection
    ) async throws {
        try await connection.execute("""
            INSERT INTO audit_events (actor_id, organisation_id, action, target, detail, ip)
            VALUES (\(actor), \(organisation), \(action), \(target), \(PGJSON(detail)), \(ip))
            """)
    }
}
