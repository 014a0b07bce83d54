import ArgumentParser
import Federation
import Foundation
import LatchkeyPlugins
import Hummingbird
import Postgres
import Server
import ServiceLifecycle
import Vault

/// `latchkey serve`: runs the HTTP service.
struct Serve: AsyncParsableCommand {
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

    func run() async throws {
        let settings = try Self.settings(
            environment: ProcessInfo.processInfo.environment,
            host: host, port: port, throttle: throttle, corsAllowedOrigins: corsAllowedOrigins)
        let metrics = settings.metricsPort.map { _ in MetricsEndpoint() }
        metrics?.bootstrap()
        let logger = makeLogger("latchkey")
        if settings.api.secretBox == nil {
            logger.warning("LATCHKEY_SECRET_KEY is not set: the web console answers 503 until it is (32 random bytes in base64, the same on every instance)")
        }
        let pool = PGPool(configuration: try database.configuration(), logger: logger)
        if migrate {
            try await database.migrator(pool: pool, logger: logger).migrate()
        }
        let app = buildApplication(settings: settings, pool: pool, plugins: registeredPlugins, logger: logger)
        // The drain comes after the application, so on SIGTERM it runs first: not ready, still
        // serving, for the drain period; then the server stops accepting and finishes.
        var services: [any Service] = [app]
        if let metrics, let port = settings.metricsPort {
            services.append(metrics.application(host: settings.host, port: port, pool: pool, readiness: settings.api.readiness))
        }
        services.append(DrainService(readiness: settings.api.readiness, period: settings.drainPeriod))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Whether `text` is a web origin: `http` or `https`, `://`, then a host (and port) with no
    /// path, query, fragment, user or whitespace.
    static func isOrigin(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else { return false }
        let authority = lowered.dropFirst(scheme.count)
        return !authority.isEmpty && !authority.contains(where: { "/?#@ \t".contains($0) })
    }

    /// The box of `LATCHKEY_SECRET_KEY` (SPEC §10), `nil` when unset; a value that is not 32
    /// bytes in base64 is a validation error (its value is never echoed).
    static func secretBox(_ text: String?) throws -> SecretBox? {
        guard let text else { return nil }
        guard let box = SecretBox(base64: text) else {
            throw ValidationError("LATCHKEY_SECRET_KEY must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`).")
        }
        return box
    }

    /// The server settings from the environment (SPEC §9), flags overriding; a bad value is a
    /// validation error naming its variable.
    static func settings(
        environment: [String: String], host: String?, port: Int?, throttle: String?, corsAllowedOrigins: String?
    ) throws -> ServerSettings {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        func flag(_ name: String, _ text: String?, default fallback: Bool) throws -> Bool {
            guard let text else { return fallback }
            switch text.lowercased() {
            case "on", "true", "1", "yes": return true
            case "off", "false", "0", "no": return false
            default: throw ValidationError("\(name) must be on or off, not '\(text)'.")
            }
        }
        func rate(_ name: String, default fallback: ThrottleRate) throws -> ThrottleRate {
            guard let text = value(name) else { return fallback }
            guard let rate = ThrottleRate(parsing: text) else {
                throw ValidationError("\(name) must be a rate such as 60/min, not '\(text)'.")
            }
            return rate
        }
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        // Browsers send an origin as `scheme://host[:port]`, nothing after: anything else could
        // never match, so it is a mistake to report rather than a setting to keep.
        func origins(_ text: String?, from name: String) throws -> [String] {
            let origins = list(text)
            if let bad = origins.first(where: { !Self.isOrigin($0) }) {
                throw ValidationError("\(name) must list origins such as https://app.example.com (no path, no trailing slash), not '\(bad)'.")
            }
            return origins
        }
        // Addresses or CIDR ranges (SPEC §7): a range silently dropped would make every client
        // behind the ingress one throttling bucket, so anything else stops start-up.
        func trustedProxies(_ text: String?) throws -> [String] {
            let entries = list(text)
            if let bad = entries.first(where: { AddressRange($0) == nil }) {
                throw ValidationError("LATCHKEY_TRUSTED_PROXIES must list IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8, separated by commas, not '\(bad.prefix(60))'.")
            }
            return entries
        }
        var sessionLifetime = Vault.defaultSessionLifetime
        if let text = value("LATCHKEY_SESSION_TTL") {
            guard let seconds = Int(text), seconds > 0, seconds <= 30 * 86400 else {
                throw ValidationError("LATCHKEY_SESSION_TTL must be a number of seconds from 1 to 2592000, not '\(text)'.")
            }
            sessionLifetime = .seconds(seconds)
        }
        let boundHost = host ?? value("LATCHKEY_HOST") ?? "127.0.0.1"
        let boundPort: Int
        if let port {
            guard (1...65535).contains(port) else { throw ValidationError("--port must be a port from 1 to 65535, not \(port).") }
            boundPort = port
        } else if let text = value("LATCHKEY_PORT") {
            guard let port = Int(text), (1...65535).contains(port) else {
                throw ValidationError("LATCHKEY_PORT must be a port from 1 to 65535, not '\(text)'.")
            }
            boundPort = port
        } else {
            boundPort = 8080
        }
        // Never the request's Host: a client could make the metadata point anywhere (SPEC §6).
        var publicURL = "http://\(["0.0.0.0", "::", ""].contains(boundHost) ? "localhost" : boundHost):\(boundPort)"
        if let text = value("LATCHKEY_PUBLIC_URL") {
            guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains(where: \.isWhitespace) else {
                throw ValidationError("LATCHKEY_PUBLIC_URL must be an http:// or https:// URL, not '\(text)'.")
            }
            publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        var drainPeriod = Duration.seconds(5)
        if let text = value("LATCHKEY_DRAIN_SECONDS") {
            guard let seconds = Int(text), (0...300).contains(seconds) else {
                throw ValidationError("LATCHKEY_DRAIN_SECONDS must be a number of seconds from 0 to 300, not '\(text)'.")
            }
            drainPeriod = .seconds(seconds)
        }
        var settings = ServerSettings(
            host: boundHost,
            port: boundPort,
            readCache: try flag("LATCHKEY_READ_CACHE", value("LATCHKEY_READ_CACHE"), default: true),
            api: APIOptions(
                log: DecisionLog(enabled: try flag("LATCHKEY_DECISION_LOG", value("LATCHKEY_DECISION_LOG"), default: true)),
                publicURL: publicURL,
                throttle: ThrottleSettings(
                    enabled: try flag("LATCHKEY_THROTTLE", throttle ?? value("LATCHKEY_THROTTLE"), default: true),
                    anonymous: try rate("LATCHKEY_THROTTLE_ANON", default: .anonymousDefault),
                    user: try rate("LATCHKEY_THROTTLE_USER", default: .userDefault),
                    legacyToken: try rate("LATCHKEY_THROTTLE_TOKEN", default: .legacyTokenDefault),
                    failedAuthentication: value("LATCHKEY_THROTTLE_FAILED_AUTH") == nil
                        ? nil : try rate("LATCHKEY_THROTTLE_FAILED_AUTH", default: .anonymousDefault)
                ),
                corsAllowedOrigins: try corsAllowedOrigins.map { try origins($0, from: "--cors-allowed-origins") }
                    ?? origins(value("CORS_ALLOWED_ORIGINS"), from: "CORS_ALLOWED_ORIGINS"),
                trustedProxies: try trustedProxies(value("LATCHKEY_TRUSTED_PROXIES")),
                sessionLifetime: sessionLifetime,
                secretBox: try secretBox(value("LATCHKEY_SECRET_KEY")),
                githubScanningKeys: try value("LATCHKEY_GITHUB_SCANNING_KEYS").map { path in
                    do { return try SecretScanningKeyFile(path: path) } catch {
                        throw ValidationError("LATCHKEY_GITHUB_SCANNING_KEYS: \(error)")
                    }
                }
            )
        )
        settings.drainPeriod = drainPeriod
        settings.sharedThrottle = try flag("LATCHKEY_THROTTLE_SHARED", value("LATCHKEY_THROTTLE_SHARED"), default: true)
        if let text = value("LATCHKEY_METRICS_PORT") {
            guard let metricsPort = Int(text), (1...65535).contains(metricsPort), metricsPort != boundPort else {
                throw ValidationError("LATCHKEY_METRICS_PORT must be a port from 1 to 65535 other than the API's, not '\(text)'.")
            }
            settings.metricsPort = metricsPort
            settings.api.metrics = true
        }
        return settings
    }
}
