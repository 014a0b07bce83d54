import Logging
import Policy
import Postgres
import Vault

/// What the server shares with every plugin: the database pool, the key vault and the one
/// policy engine that answers every authorization question.
public struct PluginDependencies: Sendable {
    /// The connection pool; plugins query it with interpolated (bound) SQL only.
    public var pool: PGPool
    /// The key vault.
    public var vault: Vault
    /// The policy engine, holding the rules of the core and of every plugin.
    public var engine: PolicyEngine
    /// A logger for the plugin's own messages.
    public var logger: Logger
    /// Change announcements of the tables with `latchkey_data` triggers, when the server listens
    /// for them; plugins may cache reads of those tables in a ``ReadCache`` only then.
    public var tableChanges: TableChanges?

    public init(pool: PGPool, vault: Vault, engine: PolicyEngine, logger: Logger, tableChanges: TableChanges? = nil) {
        self.pool = pool
        self.vault = vault
        self.engine = engine
        self.logger = logger
        self.tableChanges = tableChanges
    }
}
