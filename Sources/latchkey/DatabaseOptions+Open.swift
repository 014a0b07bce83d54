import Accounts
import ArgumentParser
import Postgres
import Tenancy
import Vault

extension DatabaseOptions {
    /// Opens a pool and a vault, runs `body`, and closes the pool. A refusal of the vault (or of
    /// Tenancy and Accounts, which answer in its terms) or of PostgreSQL is printed as
    /// `error: <message>` with a non-zero exit.
    func withVault<Result>(_ label: String, _ body: (Vault) async throws -> Result) async throws -> Result {
        let logger = makeLogger(label)
        let pool = PGPool(configuration: try configuration(), logger: logger)
        let vault = Vault(pool: pool, logger: logger)
        do {
            let result = try await body(vault)
            await pool.close()
            return result
        } catch let error as VaultError {
            await pool.close()
            throw CommandFailure(message: error.description)
        } catch let error as PGError {
            await pool.close()
            throw CommandFailure(message: error.description)
        } catch {
            await pool.close()
            throw error
        }
    }

    /// ``withVault(_:_:)`` for passwords.
    func withAccounts<Result>(_ label: String, _ body: (Accounts) async throws -> Result) async throws -> Result {
        try await withVault(label) { try await body(Accounts(pool: $0.pool, vault: $0)) }
    }

    /// ``withVault(_:_:)`` for users, organisations and memberships.
    func withTenancy<Result>(_ label: String, _ body: (Tenancy) async throws -> Result) async throws -> Result {
        try await withVault(label) { try await body(Tenancy(pool: $0.pool, vault: $0)) }
    }
}
