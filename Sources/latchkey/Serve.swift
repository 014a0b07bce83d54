import ArgumentParser
import Foundation
import Hummingbird
import Postgres
import Server

/// `latchkey serve`: runs the HTTP service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API.")

    @Option(help: "Address to bind (default: $LATCHKEY_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to bind (default: $LATCHKEY_PORT, else 8080).")
    var port: Int?

    @Flag(help: "Apply pending migrations before serving.")
    var migrate = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = makeLogger("latchkey")
        let pool = PGPool(configuration: try database.configuration(), logger: logger)
        if migrate {
            try await PGMigrator(pool: pool, root: database.migrationsRoot, logger: logger).migrate()
        }
        let settings = ServerSettings(
            host: host ?? environment["LATCHKEY_HOST"] ?? "127.0.0.1",
            port: port ?? environment["LATCHKEY_PORT"].flatMap(Int.init) ?? 8080,
            logDecisions: environment["LATCHKEY_DECISION_LOG"].map { !["off", "false", "0", "no"].contains($0.lowercased()) } ?? true,
            publicURL: environment["LATCHKEY_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        )
        let app = buildApplication(settings: settings, pool: pool, plugins: registeredPlugins, logger: logger)
        try await app.runService()
    }
}
