import TestSupport
import Foundation
import Postgres
import Testing

@Suite("Migrator")
struct PGMigratorTests {
    /// A migrations folder with core and two plugin folders; each file also appends to `applied_log`.
    func makeMigrations() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-migrations-\(UUID().uuidString)")
        let files = [
            "core/0001_log.sql": "CREATE TABLE applied_log (name text NOT NULL); INSERT INTO applied_log VALUES ('core/0001');",
            "core/0002_users.sql": "CREATE TABLE users (id bigserial PRIMARY KEY); INSERT INTO applied_log VALUES ('core/0002');",
            "alpha/0001_alpha.sql": "CREATE TABLE alpha (user_id bigint REFERENCES users); INSERT INTO applied_log VALUES ('alpha/0001');",
            "zeta/0001_zeta.sql": "SELECT pg_sleep(0.2); INSERT INTO applied_log VALUES ('zeta/0001');",
        ]
        for (path, sql) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try sql.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func appliesCoreFirstThenPluginsAndNothingTheSecondTime() async throws {
        let root = try makeMigrations()
        defer { try? FileManager.default.removeItem(at: root) }
        try await TestDatabase.withPool { pool in
            let migrator = try PGMigrator(pool: pool, root: root)
            let first = try await migrator.migrate()
            #expect(first == ["core/0001_log.sql", "core/0002_users.sql", "alpha/0001_alpha.sql", "zeta/0001_zeta.sql"])
            let second = try await migrator.migrate()
            #expect(second.isEmpty)
            let log = try await pool.query("SELECT name FROM applied_log ORDER BY name").decode((String).self)
            #expect(log == ["alpha/0001", "core/0001", "core/0002", "zeta/0001"])
        }
    }

    @Test func twoMigratorsAtOnceApplyEachFileOnce() async throws {
        let root = try makeMigrations()
        defer { try? FileManager.default.removeItem(at: root) }
        try await TestDatabase.withFresh { configuration in
            let poolA = PGPool(configuration: configuration)
            let poolB = PGPool(configuration: configuration)
            async let a = try PGMigrator(pool: poolA, root: root).migrate()
            async let b = try PGMigrator(pool: poolB, root: root).migrate()
            let (appliedA, appliedB) = try await (a, b)
            #expect((appliedA + appliedB).sorted() == ["alpha/0001_alpha.sql", "core/0001_log.sql", "core/0002_users.sql", "zeta/0001_zeta.sql"])
            let counts = try await poolA.query("SELECT name, count(*) FROM applied_log GROUP BY name").decode((String, Int).self)
            #expect(counts.count == 4)
            #expect(counts.allSatisfy { $0.1 == 1 })
            await poolA.close()
            await poolB.close()
        }
    }

    @Test func aFailingMigrationIsRolledBackAndNamed() async throws {
        let root = try makeMigrations()
        defer { try? FileManager.default.removeItem(at: root) }
        try "CREATE TABLE broken (id int); SELECT * FROM no_such_table;".write(
            to: root.appendingPathComponent("core/0003_broken.sql"), atomically: true, encoding: .utf8)
        try await TestDatabase.withPool { pool in
            let error = await #expect(throws: PGError.self) { try await PGMigrator(pool: pool, root: root).migrate() }
            #expect(error?.message.contains("core/0003_broken.sql") == true)
            let broken = try await pool.query("SELECT to_regclass('broken') IS NULL")[0].decode(Bool.self, at: 0)
            #expect(broken)
            let recorded = try await pool.query("SELECT count(*) FROM latchkey_migrations")[0].decode(Int.self, at: 0)
            #expect(recorded == 2)
        }
    }
}
