import Foundation
import Postgres

/// An audit event as an organisation's admins read it (the console's audit page).
public struct AuditEntry: Sendable {
    public let at: Date
    /// The actor's username; `nil` for the operator.
    public let actor: String?
    public let action: String
    public let target: String?
    public let ip: String?
}

/// Reading an organisation's audit log (SPEC §10 `/org/<slug>/audit`).
extension Vault {
    /// The actions recorded in organisation `id`'s audit log, by name.
    public func auditActions(organisationID id: Int64) async throws -> [String] {
        try await pool.query("SELECT DISTINCT action FROM audit_events WHERE organisation_id = \(id) ORDER BY action")
            .map { try $0.decode(String.self, at: 0) }
    }

    /// Organisation `id`'s audit events, newest first, at most `limit`; only those of `action`
    /// when given.
    public func auditEvents(organisationID id: Int64, action: String?, limit: Int = 500) async throws -> [AuditEntry] {
        // An action with a NUL (which PostgreSQL text cannot hold) matches nothing.
        let filter = action.map { $0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        let rows = try await pool.query("""
            SELECT e.at, u.username, e.action, e.target, e.ip FROM audit_events e LEFT JOIN users u ON u.id = e.actor_id
            WHERE e.organisation_id = \(id) AND (\(filter)::text IS NULL OR e.action = \(filter))
            ORDER BY e.at DESC, e.id DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            AuditEntry(at: try row.decode(Date.self, at: 0), actor: try row.decode(String?.self, at: 1), action: try row.decode(String.self, at: 2),
                       target: try row.decode(String?.self, at: 3), ip: try row.decode(String?.self, at: 4))
        }
    }
}
