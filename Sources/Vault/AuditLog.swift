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
        try await connection.execute(insert(action, actor: actor, organisation: organisation, target: target, detail: detail, ip: ip))
    }

    /// The statement ``record(_:actor:organisation:target:detail:ip:on:)`` runs, to put in a
    /// larger one (a data-modifying `WITH`); with `when`, it inserts only where that holds.
    public static func insert(
        _ action: String, actor: Int64?, organisation: Int64? = nil, target: String? = nil,
        detail: [String: String] = [:], ip: String? = nil, when condition: PGQuery = "true"
    ) -> PGQuery {
        """
        INSERT INTO audit_events (actor_id, organisation_id, action, target, detail, ip)
        SELECT \(actor), \(organisation), \(action), \(target), \(PGJSON(detail)), \(ip) WHERE \(condition)
        """
    }
}
