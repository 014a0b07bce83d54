import ArgumentParser
import LatchkeyPlugins
import Hummingbird
import Logging
import Postgres
import Server
import ServiceLifecycle

/// `latchkey serve`: runs the HTTP service.
struct Serve: ConfiguredCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the HTTP API.")

    @Option(help: "Address to bind (default: $LATCHKEY_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to bind (default: $LATCHKEY_PORT, else 8080).")
    var port: Int?

    @Option(help: "Throttling on or off (default: $LATCHKEY_THROTTLE, else on).")
    var throttle: String?

    @Option(help: "Origins allowed by CORS, comma-separated (default: $CORS_ALLOWED_ORIGINS, else none).")
    var corsAllowedOrigins: String?

    @Flag(help: "Apply pending migrations before serving.")
    var migrate = false

    @OptionGroup var database: DatabaseOptions

    var flags: Configuration.Flags {
        var flags = database.flags
        flags.host = host
        flags.port = port
        flags.throttle = throttle
        flags.corsAllowedOrigins = corsAllowedOrigins
        return flags
    }

    func run(_ configuration: Configuration) async throws {
        let metrics = configuration.metricsPort.map { _ in MetricsEndpoint() }
        metrics?.bootstrap()
        let logger = Logger(label: "latchkey")
        if configuration.secretBox == nil {
            logger.warning("LATCHKEY_SECRET_KEY is not set: the web console answers 503 until it is (32 random bytes in base64, the same on every instance)")
        }
        let pool = PGPool(configuration: try configuration.database(), logger: logger)
        let (app, readiness) = try buildApplication(configuration: configuration, pool: pool, plugins: registeredPlugins, logger: logger)
        if migrate {
            try await configuration.migrator(pool: pool, logger: logger).migrate()
        }
        // The drain comes after the application, so on SIGTERM it runs first: not ready, still
        // serving, for the drain period; then the server stops accepting and finishes.
        var services: [any Service] = [app]
        if let metrics, let port = configuration.metricsPort {
            services.append(metrics.application(host: configuration.host, port: port, pool: pool, readiness: readiness))
        }
        services.append(DrainService(readiness: readiness, period: configuration.drainPeriod))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
