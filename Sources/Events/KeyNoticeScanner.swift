import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Gives the key notices no request causes (SPEC §14): `key.expiring` 7 days and 1 day before a
/// key's `expires_at`, and `key.expired` once it has passed, each once per key. Every instance
/// runs one.
///
/// Every `interval` (at most a minute, so a notice is given within a minute of falling due) one
/// statement records the notices due in `key_notices` (`db/core/0024`) with `ON CONFLICT DO
/// NOTHING` and audits only the rows it inserted; the audit trigger writes the webhook outbox in
/// that statement. Instances scanning at once therefore announce each notice once, and a notice
/// falls due again at the next scan if the statement failed.
///
/// Only keys confined to an organisation or team are announced (webhooks are an organisation's);
/// a revoked key is not. A key already within a day of expiry gets the one-day notice only, and
/// one already expired only `key.expired`: a notice is never given after a later one. An expiry
/// more than 30 days old is not announced (an outage longer than that loses the notice).
public struct KeyNoticeScanner: Service {
    /// How often the default scanner looks.
    public static let standardInterval: Duration = .seconds(30)

    let pool: PGPool
    let interval: Duration
    let logger: Logger
    /// A database away fails every round: logged once per outage.
    let scanFailures: OutageLog

    public init(pool: PGPool, interval: Duration = Self.standardInterval, logger: Logger = Logger(label: "latchkey.key-notices")) {
        self.pool = pool
        self.interval = interval
        self.logger = logger
        self.scanFailures = OutageLog("could not scan for key notices; trying again next round", logger: logger)
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let given = try await scan()
                scanFailures.succeeded()
                if given > 0 { logger.info("key notices given", metadata: ["count": "\(given)"]) }
            } catch {
                scanFailures.failed(error)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Gives the notices due now; returns how many this call gave.
    @discardableResult
    public func scan() async throws -> Int {
        try await pool.query("""
            WITH due AS (
                SELECT k.id, CASE WHEN k.expires_at <= now() THEN 'expired'
                                  WHEN k.expires_at <= now() + interval '1 day' THEN 'expiring_1d'
                                  ELSE 'expiring_7d' END AS notice
                FROM api_keys k
                WHERE k.expires_at IS NOT NULL AND k.revoked_at IS NULL AND (k.organisation_id IS NOT NULL OR k.team_id IS NOT NULL)
                  AND k.expires_at <= now() + interval '7 days'
                  AND k.expires_at > now() - interval '30 days'),
            given AS (
                INSERT INTO key_notices (key_id, notice)
                SELECT d.id, d.notice FROM due d
                WHERE NOT EXISTS (SELECT 1 FROM key_notices n WHERE n.key_id = d.id AND n.notice = d.notice)
                ON CONFLICT DO NOTHING
                RETURNING key_id, notice)
            INSERT INTO audit_events (actor_id, organisation_id, action, target, detail)
            SELECT NULL, k.organisation_id, CASE g.notice WHEN 'expired' THEN 'key.expired' ELSE 'key.expiring' END, k.id::text,
                   jsonb_build_object('notice', g.notice, 'expires_at', latchkey_rfc3339(k.expires_at))
            FROM given g JOIN api_keys k ON k.id = g.key_id
            RETURNING id
            """).count
    }
}
