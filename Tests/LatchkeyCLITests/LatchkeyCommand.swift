import Foundation
import Postgres
import TestSupport
import Testing

/// The `latchkey` executable against one fresh database (SPEC §8 command tests).
struct LatchkeyCommand: Sendable {
    let configuration: PGConfiguration
    /// More of the environment (e.g. `LATCHKEY_SECRET_KEY`).
    var environment: [String: String] = [:]

    /// Runs `latchkey arguments…` with the database's URL and the package's migrations.
    func callAsFunction(_ arguments: String...) throws -> CommandRunner.Output {
        try callAsFunction(arguments)
    }

    /// Runs `latchkey arguments` with the database's URL and the package's migrations.
    func callAsFunction(_ arguments: [String]) throws -> CommandRunner.Output {
        try CommandRunner.run("latchkey", arguments, environment: environment.merging([
            "DATABASE_URL": TestDatabase.url(for: configuration),
            "LATCHKEY_MIGRATIONS": TestDatabase.packageRoot.appendingPathComponent("db").path,
        ]) { $1 })
    }

    /// Runs `body` with the command on a fresh database it has migrated, and a pool on it.
    static func withMigrated(_ body: (LatchkeyCommand, PGPool) async throws -> Void) async throws {
        try await TestDatabase.withFresh { configuration in
            let latchkey = LatchkeyCommand(configuration: configuration)
            #expect(try latchkey("migrate").status == 0)
            try await PGPool.with(configuration) { pool in try await body(latchkey, pool) }
        }
    }
}
