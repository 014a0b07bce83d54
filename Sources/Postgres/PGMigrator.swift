import Foundation
import Logging

/// Applies SQL migrations, each once, in order.
///
/// Order: `core/` first, then every other folder (one per plugin) in name order, files in name
/// order within each. The `latchkey` executable carries them (embedded from `db/` at build
/// time); ``migrations(in:)`` reads a folder of the same layout. Each file runs in its own
/// transaction and is recorded in `latchkey_migrations`. A session advisory lock serialises
/// concurrent migrators, so instances starting together apply each file exactly once.
public struct PGMigrator: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Hashable {
        /// `folder/file.sql`, the name recorded in `latchkey_migrations`.
        public var name: String
        public var sql: String

        public init(name: String, sql: String) {
            self.name = name
            self.sql = sql
        }

        /// The folder the file lives in: `core`, or a plugin's.
        public var folder: Substring { name.prefix { $0 != "/" } }
    }

    /// An arbitrary constant: the advisory-lock key for migrations.
    static let lockKey: Int64 = 0x4C41_5443_484B_4559

    public let pool: PGPool
    /// The migrations to apply, in order.
    public let migrations: [Migration]
    private let logger: Logger

    public init(pool: PGPool, migrations: [Migration], logger: Logger = Logger(label: "latchkey.migrate")) {
        self.pool = pool
        self.migrations = migrations
        self.logger = logger
    }

    /// A migrator for the folder `root` (read now; see ``migrations(in:)``).
    public init(pool: PGPool, root: URL, logger: Logger = Logger(label: "latchkey.migrate")) throws {
        self.init(pool: pool, migrations: try Self.migrations(in: root), logger: logger)
    }

    /// The migrations found under `root`, in the order they apply. A missing folder is
    /// ``MissingFolder``, whose description is one line naming it.
    public static func migrations(in root: URL) throws -> [Migration] {
        let files = FileManager.default
        func isDirectory(_ url: URL) -> Bool {
            var flag: ObjCBool = false
            return files.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
        }
        guard isDirectory(root) else { throw MissingFolder(path: root.path) }
        let folders = try files.contentsOfDirectory(atPath: root.path)
            .filter { isDirectory(root.appendingPathComponent($0)) }
            .sorted { ($0 == "core" ? 0 : 1, $0) < ($1 == "core" ? 0 : 1, $1) }
        var result: [Migration] = []
        for folder in folders {
            let directory = root.appendingPathComponent(folder)
            for file in try files.contentsOfDirectory(atPath: directory.path).filter({ $0.hasSuffix(".sql") }).sorted() {
                let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                result.append(Migration(name: "\(folder)/\(file)", sql: sql))
            }
        }
        return result
    }

    /// A migrations folder that does not exist.
    public struct MissingFolder: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no migrations folder at \(path)" }
    }

    /// Applies what has not been applied yet and returns the names it applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        let pending = migrations
        return try await pool.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
            do {
                let applied = try await apply(pending, on: connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))")
                throw error
            }
        }
    }

    private func apply(_ migrations: [Migration], on connection: PGConnection) async throws -> [String] {
        try await connection.run(script: """
            CREATE TABLE IF NOT EXISTS latchkey_migrations (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let rows = try await connection.query("SELECT name, checksum FROM latchkey_migrations")
        var done: [String: String] = [:]
        for row in rows {
            let (name, checksum) = try row.decode((String, String).self)
            done[name] = checksum
        }
        var applied: [String] = []
        for migration in migrations {
            if let checksum = done[migration.name] {
                let current = try await connection.query("SELECT md5(\(migration.sql))")[0].decode(String.self, at: 0)
                if current != checksum {
                    logger.warning("an applied migration has changed since; it is not re-run", metadata: ["migration": "\(migration.name)"])
                }
                continue
            }
            do {
                try await connection.withTransaction { connection in
                    try await connection.run(script: migration.sql)
                    try await connection.execute("INSERT INTO latchkey_migrations (name, checksum) VALUES (\(migration.name), md5(\(migration.sql)))")
                }
            } catch let error as PGError {
                var failure = error
                failure.message = "migration \(migration.name) failed: \(error.message)"
                throw failure
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            applied.append(migration.name)
        }
        return applied
    }
}
