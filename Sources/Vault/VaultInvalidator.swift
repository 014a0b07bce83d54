import Logging
import Postgres
import ServiceLifecycle

/// Keeps a vault's cache honest across instances: evicts on every `NOTIFY latchkey_keys`; and,
/// when given `tableChanges`, bumps it on every `NOTIFY latchkey_data` (cached resource reads).
///
/// On (re)connect it evicts everything, since notifications may have been missed meanwhile.
public struct VaultInvalidator: Service {
    let vault: Vault
    let tableChanges: TableChanges?
    let listener: PGListener

    public init(
        vault: Vault, configuration: PGConfiguration, tableChanges: TableChanges? = nil,
        logger: Logger = Logger(label: "latchkey.invalidator")
    ) {
        self.vault = vault
        self.tableChanges = tableChanges
        let channels = [KeyChangeNotice.channel] + (tableChanges == nil ? [] : [TableChanges.channel])
        self.listener = PGListener(configuration: configuration, channels: channels, logger: logger)
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.run() }
            for await event in listener.events {
                switch event {
                case .connected:
                    vault.flushCache()
                    tableChanges?.bump()
                case .notification(let notification) where notification.channel == TableChanges.channel:
                    tableChanges?.bump()
                case .notification(let notification):
                    switch KeyChangeNotice(payload: notification.payload) {
                    case .user(let id): vault.forget(userID: id)
                    case .issued(let id): vault.dependents.evict(userID: id)
                    case .all, nil: vault.flushCache()
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Whether the change listener is connected: while it is not, this instance may miss
    /// revocations made elsewhere (SPEC §12: not ready).
    public var isConnected: Bool { listener.isConnected }

    /// Stops listening; `run()` returns.
    public func stop() { listener.stop() }
}
