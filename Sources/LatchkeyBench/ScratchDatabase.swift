import ArgumentParser
import Foundation
import Postgres

/// A benchmark's own database on the server of `DATABASE_URL`: dropped if it exists, created,
/// migrated with `db/`.
struct ScratchDatabase {
    let name: String
    /// A one-connection pool on `DATABASE_URL`'s database, for creating and dropping.
    let admin: PGPool
    /// A pool on the scratch database.
    let pool: PGPool

    init(_ name: String, statementTimeout: Duration? = nil) async throws {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else { throw ValidationError("DATABASE_URL is not set") }
        self.name = name
        admin = PGPool(configuration: PGConfiguration(connectionString: url, maxConnections: 1))
        try await admin.withConnection { connection in
            try await connection.run(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try await connection.run(script: "CREATE DATABASE \(name)")
        }
        var configuration = PGConfiguration(connectionString: url)
        configuration.database = name
        if let statementTimeout { configuration.statementTimeout = statementTimeout }
        pool = PGPool(configuration: configuration)
        try await PGMigrator(pool: pool, root: URL(fileURLWithPath: "db")).migrate()
    }

    /// Closes the pools, dropping the database unless `keeping` it.
    func close(keeping: Bool = false) async throws {
        await pool.close()
        if !keeping { try await admin.withConnection { try await $0.run(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        await admin.close()
    }
}
