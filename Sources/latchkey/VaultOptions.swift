import ArgumentParser
import Postgres
import Vault

extension DatabaseOptions {
    /// Opens a pool and a vault, runs `body`, and closes the pool.
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
}

/// An error printed as `error: <message>` with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
