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

    /// Creates an empty database, runs `body` with a configuration for it, then drops it.
    public static func withFresh<Result>(
        maxConnections: Int = 8,
        _ body: (PGConfiguration) async throws -> Result
    ) async throws -> Result {
        let name = "lk_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PGPool(configuration: PGConfiguration(connectionString: serverURL, maxConnections: 1))
        // A database name cannot be a bind parameter; `name` is generated above from hex digits only.
        try await admin.withConnection { try await $0.run(script: "CREATE DATABASE \(name)") }
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
        adjusting adjust: (inout PGConfiguration) -> Void = { _ in },
        _ body: (PGPool) async throws -> Result
    ) async throws -> Result {
        try await withFresh(maxConnections: maxConnections) { base in
            var configuration = base
            adjust(&configuration)
            return try await PGPool.with(configuration, body)
        }
    }

    /// A pool on a fresh database with every migration of `db/` applied.
    public static func withMigratedPool<Result>(
        maxConnections: Int = 8,
        _ body: (PGPool) async throws -> Result
    ) async throws -> Result {
        try await withPool(maxConnections: maxConnections) { pool in
            try await PGMigrator(pool: pool, root: packageRoot.appendingPathComponent("db")).migrate()
            return try await body(pool)
        }
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
