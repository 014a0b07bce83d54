import Logging
import Postgres
import ServiceLifecycle

/// Keeps a vault's cache honest across instances: evicts on every `NOTIFY latchkey_keys`.
///
/// On (re)connect it evicts everything, since notifications may have been missed meanwhile.
public struct VaultInvalidator: Service {
    let vault: Vault
    let listener: PGListener

    public init(vault: Vault, configuration: PGConfiguration, logger: Logger = Logger(label: "latchkey.invalidator")) {
        self.vault = vault
        self.listener = PGListener(configuration: configuration, channels: [KeyChangeNotice.channel], logger: logger)
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run() }
            for await event in listener.events {
                switch event {
                case .connected:
                    vault.flushCache()
                case .notification(let notification):
                    switch KeyChangeNotice(payload: notification.payload) {
                    case .user(let id): vault.cache.evict(userID: id)
                    case .all, nil: vault.flushCache()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Stops listening; `run()` returns.
    public func stop() { listener.stop() }
}
