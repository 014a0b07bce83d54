import Accounts
import Foundation
import LatchkeyPlugins
import Logging
import PluginKit
import Policy
import Postgres
import Server
import Tenancy
import Vault

extension Configuration {
    /// Opens a pool and a vault, runs `body`, and closes the pool. A refusal of the vault (or of
    /// Tenancy and Accounts, which answer in its terms) or of PostgreSQL is printed as
    /// `error: <message>` with a non-zero exit.
    func withVault<Result>(_ label: String, _ body: (Vault) async throws -> Result) async throws -> Result {
        let logger = Logger(label: label)
        do {
            return try await PGPool.with(try database(), logger: logger) {
                try await body(Vault(pool: $0, engine: PolicyEngine(plugins: registeredPlugins), logger: logger))
            }
        } catch let error as VaultError {
            throw CommandFailure(message: error.description)
        } catch let error as PGError {
            throw CommandFailure(message: error.description)
        }
    }

    /// Where a fine-grained key's selected resources are found: the registered plugins, mounted
    /// over `vault`'s pool and engine.
    func selections(for vault: Vault) -> ResolverSelectionLookup {
        let dependencies = PluginDependencies(pool: vault.pool, vault: vault, engine: vault.engine, logger: Logger(label: "latchkey.plugins"))
        return ResolverSelectionLookup(engine: vault.engine, plugins: registeredPlugins.map { $0.mount(dependencies: dependencies) })
    }

    /// ``withVault(_:_:)`` for passwords.
    func withAccounts<Result>(_ label: String, _ body: (Accounts) async throws -> Result) async throws -> Result {
        try await withVault(label) { try await body(Accounts(vault: $0)) }
    }

    /// ``withVault(_:_:)`` for users, organisations and memberships.
    func withTenancy<Result>(_ label: String, _ body: (Tenancy) async throws -> Result) async throws -> Result {
        try await withVault(label) { try await body(Tenancy(vault: $0)) }
    }

    /// The migrations to apply: those built into the executable, unless `--migrations` or
    /// `LATCHKEY_MIGRATIONS` names a folder (a missing one is a one-line error naming it); of
    /// either, `core/` and the folders of the registered plugins.
    func pendingMigrations() throws -> [PGMigrator.Migration] {
        let folders = Set(["core"] + registeredPlugins.map(\.migrationsFolder))
        guard let migrations else { return embeddedMigrations.filter { folders.contains(String($0.folder)) } }
        do {
            return try PGMigrator.migrations(in: URL(fileURLWithPath: migrations.path)).filter { folders.contains(String($0.folder)) }
        } catch let missing as PGMigrator.MissingFolder {
            throw CommandFailure(message: "\(migrations.name): \(missing)")
        }
    }

    /// A migrator over `pool` for ``pendingMigrations()``.
    func migrator(pool: PGPool, logger: Logger) throws -> PGMigrator {
        PGMigrator(pool: pool, migrations: try pendingMigrations(), logger: logger)
    }
}
