import Foundation
import Postgres

/// The PostgreSQL server the tests use, and fresh databases on it.
///
/// `DATABASE_URL` when set; otherwise the private cluster of `deploy/local-postgres.sh`, started on demand.
public enum TestDatabase {
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let serverURL: String = {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        return try! runScript("deploy/local-postgres.sh", ["start"])
    }()

    /// A private cluster of its own (`deploy/local-postgres.sh` in a scratch folder), for tests
    /// that stop, restart or freeze their server: `body` gets its URL and controls to stop and
    /// start it again; the cluster is stopped and removed afterwards.
    public static func withPrivateCluster<Result>(
        _ name: String, _ body: (_ url: String, _ control: (_ command: String) throws -> Void) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-pg-\(name)-\(UUID().uuidString.prefix(8))").path
        let environment = ["LATCHKEY_PG_DIR": directory]
        defer {
            _ = try? runScript("deploy/local-postgres.sh", ["stop"], environment: environment)
            for path in [directory, directory + ".lock", directory + ".initdb.log"] { try? FileManager.default.removeItem(atPath: path) }
        }
        let url = try runScript("deploy/local-postgres.sh", ["start"], environment: environment)
        return try await body(url) { command in _ = try runScript("deploy/local-postgres.sh", [command], environment: environment) }
    }

    /// Runs a script of the repository and returns the last line it printed.
    ///
    /// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process` can miss the exit of a
    /// child whose own children (the PostgreSQL server) live on.
    public static func runScript(_ path: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-script-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let assignments = extra.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: " ")
        let command = "\(assignments) exec /bin/bash \(quoted(packageRoot.appendingPathComponent(path).path)) "
            + arguments.map(quoted).joined(separator: " ") + " > \(quoted(outputPath)) 9>&-"
        let argv: [UnsafeMutablePointer<CChar>?] = [String]([ "/bin/bash", "-c", command]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ) == 0 else {
            throw PGError(.connection, message: "could not start \(path)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        guard status == 0 else {
            throw PGError(.connection, message: "\(path) \(arguments) exited with status \(status)")
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Creates an empty database (a copy of `template` when given), runs `body` with a
    /// configuration for it, then drops it.
    public static func withFresh<Result>(
        maxConnections: Int = 8,
        template: String? = nil,
        _ body: (PGConfiguration) async throws -> Result
    ) async throws -> Result {
        let name = "lk_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PGPool(configuration: PGConfiguration(connectionString: serverURL, maxConnections: 1))
        // A database name cannot be a bind parameter; `name` is generated above from hex digits
        // only, and `template` by ``migratedTemplate``.
        try await admin.withConnection { try await $0.run(script: "CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0)" } ?? "")) }
        var configuration = PGConfiguration(connectionString: serverURL, maxConnections: maxConnections)
        configuration.database = name
        do {
            let result = try await body(configuration)
            try await admin.withConnection { try await $0.run(script: "DROP DATABASE \(name) WITH (FORCE)") }
            await admin.close()
            return result
        } catch {
            _ = try? await admin.withConnection { try await $0.run(script: "DROP DATABASE \(name) WITH (FORCE)") }
            await admin.close()
            throw error
        }
    }

    /// A pool on a fresh database, its configuration first changed by `adjust`, closed afterwards.
    public static func withPool<Result>(
        maxConnections: Int = 8,
        template: String? = nil,
        adjusting adjust: (inout PGConfiguration) -> Void = { _ in },
        _ body: (PGPool) async throws -> Result
    ) async throws -> Result {
        try await withFresh(maxConnections: maxConnections, template: template) { base in
            var configuration = base
            adjust(&configuration)
            return try await PGPool.with(configuration, body)
        }
    }

    /// A pool on a fresh database with every migration of `db/` applied: a copy of
    /// ``migratedTemplate``, so a test costs one `CREATE DATABASE` rather than every migration
    /// (with hundreds of tests starting at once, the migrations' connections and transactions
    /// were enough to make PostgreSQL miss connection deadlines on two cores).
    public static func withMigratedPool<Result>(
        maxConnections: Int = 8,
        _ body: (PGPool) async throws -> Result
    ) async throws -> Result {
        try await withPool(maxConnections: maxConnections, template: try await migratedTemplate.value, body)
    }

    /// The name of a database holding every migration of `db/`, made once (per server, for
    /// these migrations in this month: `key_usage_maintain` made this month's partitions) and
    /// shared by every test process. Built under another name and renamed when complete, under
    /// an advisory lock, so a process never copies a half-migrated template.
    public static let migratedTemplate = Task<String, any Error> {
        let migrations = try PGMigrator.migrations(in: packageRoot.appendingPathComponent("db"))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over every file's name and text
        for migration in migrations {
            for byte in (migration.name + "\u{0}" + migration.sql + "\u{0}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        let month = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        let name = "lk_template_\(month.year!)_\(month.month!)_\(String(hash, radix: 16))"
        let admin = PGPool(configuration: PGConfiguration(connectionString: serverURL, maxConnections: 1))
        do {
            try await admin.withConnection { connection in
                let lock = "SELECT pg_advisory_lock(7461746174)", unlock = "SELECT pg_advisory_unlock(7461746174)"
                try await connection.run(script: lock)
                do {
                    if try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count == 0 {
                        let building = name + "_building"
                        try await connection.run(script: "DROP DATABASE IF EXISTS \(building) WITH (FORCE)")
                        try await connection.run(script: "CREATE DATABASE \(building)")
                        var configuration = PGConfiguration(connectionString: serverURL, maxConnections: 1)
                        configuration.database = building
                        try await PGPool.with(configuration) { pool in
                            try await PGMigrator(pool: pool, migrations: migrations).migrate()
                        }
                        try await connection.run(script: "ALTER DATABASE \(building) RENAME TO \(name)")
                    }
                    try await connection.run(script: unlock)
                } catch {
                    try? await connection.run(script: unlock)
                    throw error
                }
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return name
    }
}

extension TestDatabase {
    /// A connection URL for the database a configuration names (for programs that take only a URL).
    public static func url(for configuration: PGConfiguration) -> String {
        guard let database = configuration.database else { return configuration.connectionString }
        if var components = URLComponents(string: configuration.connectionString), components.scheme?.hasPrefix("postgres") == true {
            components.path = "/" + database
            return components.string ?? configuration.connectionString
        }
        return configuration.connectionString + " dbname=" + database
    }
}
