import Foundation
import Logging
import Metrics
import Postgres
import ServiceLifecycle
import Vault

/// Sends the webhook outbox (SPEC §14); every instance runs one.
///
/// Every `interval` it claims due rows in one short statement (`FOR UPDATE SKIP LOCKED`, then a
/// lease in `claimed_until`), so two instances never send the same row at once and a row whose
/// sender died is sent again once the lease ends. Each row is POSTed, signed per Standard
/// Webhooks with the same `webhook-id` on every attempt; a 2xx delivers it, anything else is
/// tried again after the next of `retryDelays`; after the last, the endpoint is disabled and
/// that is audited `webhook.disabled`. Every attempt is recorded (the last 100 per endpoint).
public struct WebhookDispatcher: Service {
    /// The waits between attempts of SPEC §14: after the first failure 5 s, then 5 min, 30 min,
    /// 2 h, 5 h, 10 h, 10 h; eight attempts in all.
    public static let standardRetryDelays: [Duration] = [
        .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000), .seconds(36000),
    ]

    let pool: PGPool
    let secretBox: SecretBox
    let targets: WebhookTargets
    let interval: Duration
    let retryDelays: [Duration]
    let timeout: TimeInterval
    let batchSize: Int
    let logger: Logger
    /// A database away fails every round's claim: logged once per outage.
    let claimFailures: OutageLog

    private static let attempts = Counter(label: "latchkey_webhook_attempts_total")
    private static let delivered = Counter(label: "latchkey_webhook_delivered_total")
    private static let failures = Counter(label: "latchkey_webhook_failed_attempts_total")

    public init(pool: PGPool, secretBox: SecretBox, targets: WebhookTargets = .public, interval: Duration = .seconds(1),
                retryDelays: [Duration] = Self.standardRetryDelays, timeout: TimeInterval = 10, batchSize: Int = 16,
                logger: Logger = Logger(label: "latchkey.webhooks")) {
        self.pool = pool
        self.secretBox = secretBox
        self.targets = targets
        self.interval = interval
        self.retryDelays = retryDelays
        self.timeout = timeout
        self.batchSize = batchSize
        self.logger = logger
        self.claimFailures = OutageLog("could not claim webhook deliveries", logger: logger)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let handled = await deliverDue()
            if handled < batchSize {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
    }

    /// A row claimed for sending.
    struct Claimed: Sendable {
        var id: Int64
        var endpointID: UUID
        var organisationID: Int64
        var eventID: String
        var type: String
        var payload: String
        var attempt: Int
        var url: String
        var sealedSecret: String
    }

    /// Claims the due rows and sends them, concurrently; returns how many were claimed. A
    /// database failure is logged and tried again next round.
    @discardableResult
    public func deliverDue() async -> Int {
        let claimed: [Claimed]
        do {
            claimed = try await claim()
        } catch {
            claimFailures.failed(error)
            return 0
        }
        claimFailures.succeeded()
        await withTaskGroup(of: Void.self) { group in
            for row in claimed { group.addTask { await deliver(row) } }
        }
        return claimed.count
    }

    /// The lease of a claim: longer than a batch sent at once can take.
    var lease: Duration { .seconds(Int64(timeout) * 3 + 30) }

    func claim() async throws -> [Claimed] {
        let leaseSeconds = Int(lease.components.seconds)
        let rows = try await pool.query("""
            WITH due AS (
                SELECT o.id FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
                WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND e.enabled AND o.next_attempt_at <= now()
                  AND (o.claimed_until IS NULL OR o.claimed_until < now())
                ORDER BY o.next_attempt_at, o.id LIMIT \(batchSize)
                FOR UPDATE OF o SKIP LOCKED)
            UPDATE webhook_outbox o SET claimed_until = now() + make_interval(secs => \(leaseSeconds)), attempt = o.attempt + 1
            FROM due, webhook_endpoints e
            WHERE o.id = due.id AND e.id = o.endpoint_id
            RETURNING o.id, o.endpoint_id, e.organisation_id, o.event_id, o.type, o.payload, o.attempt, e.url, e.secret
            """)
        return try rows.map { row in
            Claimed(id: try row.decode(Int64.self, at: 0), endpointID: try row.decode(UUID.self, at: 1), organisationID: try row.decode(Int64.self, at: 2),
                    eventID: try row.decode(String.self, at: 3), type: try row.decode(String.self, at: 4), payload: try row.decode(String.self, at: 5),
                    attempt: try row.decode(Int.self, at: 6), url: try row.decode(String.self, at: 7), sealedSecret: try row.decode(String.self, at: 8))
        }
    }

    /// Sends one claimed row and records the outcome.
    func deliver(_ row: Claimed) async {
        Self.attempts.increment()
        let started = ContinuousClock.now
        var status = 0
        var refusal: String?
        if let url = URL(string: row.url), let host = url.host,
           let secret = secretBox.open(row.sealedSecret, purpose: WebhookEndpoints.sealingPurpose).map({ String(decoding: $0, as: UTF8.self) }) {
            do {
                _ = try targets.check(row.url)
                try await targets.checkResolved(host: host)
                let body = Array(row.payload.utf8)
                let headers = try WebhookSignature.headers(id: row.eventID, timestamp: Int64(Date().timeIntervalSince1970), body: body, secret: secret)
                status = await WebhookPost(timeout: timeout).send(to: url, headers: headers, body: body)
            } catch {
                refusal = "\(error)"
            }
        } else {
            refusal = "the endpoint's URL or secret cannot be used (was LATCHKEY_SECRET_KEY changed?)"
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let success = (200..<300).contains(status)
        if success { Self.delivered.increment() } else { Self.failures.increment() }
        do {
            try await record(row, status: status, milliseconds: milliseconds, success: success, refusal: refusal)
        } catch {
            // The lease runs out and the row is sent again: at least once.
            logger.warning("could not record a webhook delivery", metadata: ["error": "\(error)", "event": "\(row.eventID)"])
        }
    }

    /// Records an attempt: delivered, or the next attempt scheduled, or (after the last) the
    /// row failed and its endpoint disabled and audited.
    func record(_ row: Claimed, status: Int, milliseconds: Int, success: Bool, refusal: String?) async throws {
        try await pool.withTransaction { connection in
            try await connection.execute("""
                INSERT INTO webhook_deliveries (endpoint_id, event_id, type, status, attempt, duration_ms)
                VALUES (\(row.endpointID), \(row.eventID), \(row.type), \(status), \(row.attempt), \(milliseconds))
                """)
            try await connection.execute("""
                DELETE FROM webhook_deliveries WHERE endpoint_id = \(row.endpointID) AND id <= (
                    SELECT id FROM webhook_deliveries WHERE endpoint_id = \(row.endpointID) ORDER BY id DESC OFFSET \(WebhookEndpoints.keptDeliveries) LIMIT 1)
                """)
            if success {
                try await connection.execute("UPDATE webhook_outbox SET delivered_at = now(), claimed_until = NULL WHERE id = \(row.id)")
                return
            }
            if row.attempt <= retryDelays.count {
                let delay = retryDelays[row.attempt - 1]
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
                try await connection.execute("""
                    UPDATE webhook_outbox SET next_attempt_at = now() + make_interval(secs => \(seconds)), claimed_until = NULL WHERE id = \(row.id)
                    """)
                logger.info("webhook attempt failed; will retry", metadata: [
                    "event": "\(row.eventID)", "status": "\(status)", "attempt": "\(row.attempt)", "refusal": "\(refusal ?? "")"])
                return
            }
            try await connection.execute("UPDATE webhook_outbox SET failed_at = now(), claimed_until = NULL WHERE id = \(row.id)")
            let disabled = try await connection.query("""
                UPDATE webhook_endpoints SET enabled = false, disabled_at = now() WHERE id = \(row.endpointID) AND enabled RETURNING url
                """)
            if !disabled.isEmpty {
                var detail = ["url": row.url, "event": row.eventID, "status": String(status), "attempts": String(row.attempt)]
                if let refusal { detail["refusal"] = String(refusal.prefix(200)) }
                try await AuditLog.record("webhook.disabled", actor: nil, organisation: row.organisationID,
                                          target: "webhook:\(row.endpointID.uuidString.lowercased())", detail: detail, on: connection)
                logger.warning("webhook endpoint disabled after its last failed attempt", metadata: ["endpoint": "\(row.endpointID)"])
            }
        }
    }
}
