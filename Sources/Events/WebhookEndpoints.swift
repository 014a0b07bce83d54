import Foundation
import Postgres
import Vault

/// An organisation's webhook endpoint as the API lists it (never its secret).
public struct WebhookEndpoint: Sendable, Equatable {
    public let id: UUID
    public let url: String
    public let events: [String]
    public let enabled: Bool
    public let createdAt: Date
}

/// One attempt to deliver an event to an endpoint.
public struct WebhookDelivery: Sendable, Equatable {
    /// The event's `webhook-id`, the same on every attempt.
    public let eventID: String
    /// The event type.
    public let type: String
    /// The HTTP status, or 0 when there was no answer.
    public let status: Int
    public let attempt: Int
    public let at: Date
    public let durationMS: Int
}

/// Organisations' webhook endpoints (SPEC §14): made with a secret shown once and sealed at rest
/// with the deployment's ``SecretBox``, listed, deleted, and their last deliveries. Who may call
/// these is the caller's business; every method is confined to the organisation it is given.
public struct WebhookEndpoints: Sendable {
    /// The purpose endpoint secrets are sealed for.
    public static let sealingPurpose = "webhook_endpoints.secret"
    /// The most deliveries kept (and listed) per endpoint.
    public static let keptDeliveries = 100

    let pool: PGPool
    let secretBox: SecretBox?
    let targets: WebhookTargets

    public init(pool: PGPool, secretBox: SecretBox?, targets: WebhookTargets) {
        self.pool = pool
        self.secretBox = secretBox
        self.targets = targets
    }

    /// Makes an endpoint of organisation `organisationID` for `url` and `events`, audited
    /// `webhook.created`; returns it with its secret (`whsec_…`), which is not shown again.
    public func create(organisationID: Int64, url: String, events: [String], actor: Int64?, ip: String?) async throws -> (endpoint: WebhookEndpoint, secret: String) {
        guard let secretBox else { throw WebhookError.secretKeyMissing }
        let checked = try targets.check(url).absoluteString
        guard !events.isEmpty else { throw WebhookError.invalid("events must name at least one event type") }
        if let unknown = events.first(where: { !WebhookEventType.isKnown($0) }) {
            throw WebhookError.invalid("unknown event type '\(unknown.prefix(60))'; known: \(WebhookEventType.all.joined(separator: ", "))")
        }
        var seen: Set<String> = []
        let types = events.filter { seen.insert($0).inserted }
        let secret = try WebhookSignature.newSecret()
        let sealed = try secretBox.seal(Array(secret.utf8), purpose: Self.sealingPurpose)
        let endpoint = try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                INSERT INTO webhook_endpoints (organisation_id, url, events, secret) VALUES (\(organisationID), \(checked), \(types), \(sealed))
                RETURNING id, url, events, enabled, created_at
                """)
            let endpoint = try Self.endpoint(rows[0])
            try await AuditLog.record("webhook.created", actor: actor, organisation: organisationID, target: "webhook:\(endpoint.id.uuidString.lowercased())",
                                      detail: ["url": checked, "events": types.joined(separator: " ")], ip: ip, on: connection)
            return endpoint
        }
        return (endpoint, secret)
    }

    /// Organisation `organisationID`'s endpoints, oldest first.
    public func list(organisationID: Int64) async throws -> [WebhookEndpoint] {
        try await pool.query("""
            SELECT id, url, events, enabled, created_at FROM webhook_endpoints WHERE organisation_id = \(organisationID) ORDER BY created_at, id
            """).map(Self.endpoint)
    }

    /// Deletes endpoint `id` of organisation `organisationID` (with its outbox and deliveries),
    /// audited `webhook.deleted`; `false` when the organisation has no such endpoint.
    public func delete(organisationID: Int64, id: UUID, actor: Int64?, ip: String?) async throws -> Bool {
        try await pool.withTransaction { connection in
            let rows = try await connection.query("""
                DELETE FROM webhook_endpoints WHERE id = \(id) AND organisation_id = \(organisationID) RETURNING url
                """)
            guard let row = rows.first else { return false }
            try await AuditLog.record("webhook.deleted", actor: actor, organisation: organisationID, target: "webhook:\(id.uuidString.lowercased())",
                                      detail: ["url": try row.decode(String.self, at: 0)], ip: ip, on: connection)
            return true
        }
    }

    /// The last deliveries to endpoint `id` of organisation `organisationID`, newest first;
    /// `nil` when the organisation has no such endpoint.
    public func deliveries(organisationID: Int64, id: UUID) async throws -> [WebhookDelivery]? {
        let rows = try await pool.query("""
            SELECT d.event_id, d.type, d.status, d.attempt, d.at, d.duration_ms, e.id
            FROM webhook_endpoints e LEFT JOIN LATERAL (
                SELECT * FROM webhook_deliveries d WHERE d.endpoint_id = e.id ORDER BY d.id DESC LIMIT \(Self.keptDeliveries)) d ON true
            WHERE e.id = \(id) AND e.organisation_id = \(organisationID)
            """)
        guard !rows.isEmpty else { return nil }
        return try rows.compactMap { row in
            guard let eventID = try row.decode(String?.self, at: 0) else { return nil }
            return WebhookDelivery(eventID: eventID, type: try row.decode(String.self, at: 1), status: try row.decode(Int.self, at: 2),
                                   attempt: try row.decode(Int.self, at: 3), at: try row.decode(Date.self, at: 4), durationMS: try row.decode(Int.self, at: 5))
        }
    }

    /// Queues a `webhook.test` event (``WebhookEventType/test``) for endpoint `id` of
    /// organisation `organisationID` alone, through the outbox like every event, audited
    /// `webhook.tested`. Returns the event's `webhook-id`; `nil` when the organisation has no
    /// such endpoint; ``WebhookError/invalid(_:)`` when the endpoint is disabled (nothing is sent
    /// to a disabled endpoint).
    public func sendTest(organisationID: Int64, id: UUID, actor: Int64?, ip: String?) async throws -> String? {
        try await pool.withTransaction { connection -> String? in
            guard let row = try await connection.query("""
                SELECT enabled FROM webhook_endpoints WHERE id = \(id) AND organisation_id = \(organisationID) FOR UPDATE
                """).first else { return nil }
            guard try row.decode(Bool.self, at: 0) else {
                throw WebhookError.invalid("this endpoint is disabled after failed deliveries: nothing is sent to it; add it again to receive events")
            }
            let eventID = "msg_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let target = "webhook:\(id.uuidString.lowercased())"
            try await connection.execute("""
                INSERT INTO webhook_outbox (endpoint_id, event_id, type, payload)
                VALUES (\(id), \(eventID), \(WebhookEventType.test), jsonb_build_object(
                    'type', \(WebhookEventType.test)::text, 'timestamp', latchkey_rfc3339(now()),
                    'data', jsonb_build_object('organisation', \(organisationID)::bigint, 'target', \(target)::text))::text)
                """)
            try await AuditLog.record("webhook.tested", actor: actor, organisation: organisationID, target: target,
                                      detail: ["event": eventID], ip: ip, on: connection)
            return eventID
        }
    }

    static func endpoint(_ row: PGRow) throws -> WebhookEndpoint {
        WebhookEndpoint(id: try row.decode(UUID.self, at: 0), url: try row.decode(String.self, at: 1), events: try row.decode([String].self, at: 2),
                        enabled: try row.decode(Bool.self, at: 3), createdAt: try row.decode(Date.self, at: 4))
    }
}
