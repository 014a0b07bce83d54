import Logging
import Postgres
import ServiceLifecycle

/// Writes `last_used_at` for keys used recently, in the background, off the verify path.
///
/// The cache marks a key at most once a minute; this service writes the marks every `interval`
/// in one statement, and once more on shutdown.
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
        guard !ids.isEmpty else { return }
        do {
            try await vault.pool.execute("UPDATE api_keys SET last_used_at = now() WHERE id = ANY(\(ids))")
        } catch {
            logger.warning("could not record key usage", metadata: ["error": "\(error)", "keys": "\(ids.count)"])
        }
    }
}
