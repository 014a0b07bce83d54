import Logging
import Postgres
import ServiceLifecycle

/// Writes `last_used_at` for keys used successfully, and a `key.expired_use` audit event for
/// each expired key presented, in the background, off the verify path.
///
/// The cache marks a key at most once a minute (each kind); this service writes the marks every
/// `interval`, and once more on shutdown.
public struct UsageFlusher: Service {
    let vault: Vault
    let interval: Duration
    let logger: Logger

    public init(vault: Vault, interval: Duration = .seconds(10), logger: Logger = Logger(label: "latchkey.usage")) {
        self.vault = vault
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await flush()
        }
        await flush()
    }

    /// Writes pending usage marks now.
    public func flush() async {
        let ids = vault.cache.takePendingUsage()
        if !ids.isEmpty {
            do {
                try await vault.pool.execute("UPDATE api_keys SET last_used_at = now() WHERE id = ANY(\(ids))")
            } catch {
                logger.warning("could not record key usage", metadata: ["error": "\(error)", "keys": "\(ids.count)"])
            }
        }
        let expired = vault.cache.takePendingExpiredUses()
        guard !expired.isEmpty else { return }
        do {
            try await vault.pool.withTransaction { connection in
                for found in expired {
                    try await AuditLog.record(
                        "key.expired_use", actor: found.owner.id, organisation: found.key.organisationID,
                        target: found.key.id.uuidString.lowercased(), detail: ["prefix": found.key.prefix], on: connection)
                }
            }
        } catch {
            logger.warning("could not record expired key uses", metadata: ["error": "\(error)", "keys": "\(expired.count)"])
        }
    }
}
