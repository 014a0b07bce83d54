import Events
import Foundation
import Logging
import Postgres
import Usage
import Vault

/// Everything an operator sets (SPEC §9), as a plain value: the environment read once, then the
/// command-line flags over it. A bad value is refused at start-up with a message naming its
/// variable (or flag). Nothing here is live: ``buildApplication(configuration:pool:plugins:logger:)``
/// makes the caches, readiness, key sources and shared counts from it.
///
/// This file is the only one that reads the process's environment.
public struct Configuration: Sendable {
    // MARK: Serving

    /// The address to bind (`LATCHKEY_HOST`, `--host`).
    public var host = "127.0.0.1"
    /// The port to bind (`LATCHKEY_PORT`, `--port`).
    public var port = 8080
    /// The base URL the AuthZEN configuration advertises (`LATCHKEY_PUBLIC_URL`, no trailing
    /// slash); `nil`: the bound address (see ``APISettings/publicURL``).
    public var publicURL: String?
    /// The port of the Prometheus listener (`LATCHKEY_METRICS_PORT`); `nil`: no metrics.
    public var metricsPort: Int?
    /// How long the instance keeps serving, not ready, after SIGTERM (`LATCHKEY_DRAIN_SECONDS`).
    public var drainPeriod: Duration = .seconds(5)
    /// Whether plugins cache reads, dropped on `NOTIFY latchkey_data` (`LATCHKEY_READ_CACHE`).
    public var readCache = true
    /// Whether decisions of the decision API are logged (`LATCHKEY_DECISION_LOG`).
    public var decisionLog = true
    /// Whether key uses are counted (`LATCHKEY_USAGE`, SPEC §13).
    public var usageCounting = true
    /// How many days of key usage are kept (`LATCHKEY_USAGE_RETENTION_DAYS`): whole monthly
    /// partitions are dropped once their month ended that long ago.
    public var usageRetentionDays = UsageRecorder.defaultRetentionDays
    /// Rate limits (`LATCHKEY_THROTTLE`, `--throttle`, `LATCHKEY_THROTTLE_ANON`, `_USER`, `_TOKEN`,
    /// `_FAILED_AUTH`).
    public var throttle = ThrottleSettings()
    /// Whether throttling counts are shared through PostgreSQL (`LATCHKEY_THROTTLE_SHARED`).
    public var sharedThrottle = true
    /// Origins allowed to call the API from a browser (`CORS_ALLOWED_ORIGINS`,
    /// `--cors-allowed-origins`); empty: CORS off.
    public var corsAllowedOrigins: [String] = []
    /// Proxies whose `X-Forwarded-For` is believed (`LATCHKEY_TRUSTED_PROXIES`).
    public var trustedProxies: [String] = []
    /// How long a login session lasts (`LATCHKEY_SESSION_TTL`, seconds).
    public var sessionLifetime = Vault.defaultSessionLifetime
    /// The deployment's secret (`LATCHKEY_SECRET_KEY`, SPEC §10); `nil`: the console answers 503.
    public var secretBox: SecretBox?
    /// Where webhooks may be sent (`LATCHKEY_WEBHOOK_TARGETS`, SPEC §14): `public` (https, no
    /// internal addresses; the default) or `any` (development and tests).
    public var webhookTargets = WebhookTargets.public
    /// How often each instance looks for keys to announce as expiring or expired
    /// (`LATCHKEY_KEY_NOTICE_SECONDS`, 1–60; SPEC §14 wants them noticed within a minute).
    public var keyNoticeInterval = KeyNoticeScanner.standardInterval
    /// The file of GitHub's secret-scanning keys (`LATCHKEY_GITHUB_SCANNING_KEYS`), read by
    /// `buildApplication`; `nil`: every alert is refused.
    public var githubScanningKeys: String?
    /// What the gateway check requires (`LATCHKEY_GATEWAY_ROUTES`, a JSON file of rules read
    /// and checked at start-up, SPEC §16); default: the verb of each method.
    public var gatewayRoutes = GatewayRoutes.defaults

    // MARK: Database

    /// A libpq URI or conninfo (`DATABASE_URL`, `--database-url`); `nil`: none named.
    public var databaseURL: String?
    /// The most connections the pool opens (`LATCHKEY_DB_POOL_SIZE`).
    public var databasePoolSize = 8
    /// `statement_timeout` of every connection (`LATCHKEY_DB_STATEMENT_TIMEOUT`, seconds; 0: none).
    public var databaseStatementTimeout: Duration = .seconds(30)
    /// A folder of SQL migrations (`LATCHKEY_MIGRATIONS`, `--migrations`); `nil`: those built in.
    public var migrations: Folder?

    // MARK: Logging

    /// `LATCHKEY_LOG_FORMAT`.
    public var logFormat = LogFormat.text
    /// `LATCHKEY_LOG_LEVEL`, in any case.
    public var logLevel = Logger.Level.info

    /// A folder and the variable or flag that named it (a missing folder is reported by that name).
    public struct Folder: Sendable, Equatable {
        public var name: String
        public var path: String
    }

    /// The command-line flags that override the environment; `nil`: not given.
    public struct Flags: Sendable {
        public var host: String?
        public var port: Int?
        public var throttle: String?
        public var corsAllowedOrigins: String?
        public var databaseURL: String?
        public var migrations: String?

        public init(
            host: String? = nil, port: Int? = nil, throttle: String? = nil, corsAllowedOrigins: String? = nil,
            databaseURL: String? = nil, migrations: String? = nil
        ) {
            self.host = host
            self.port = port
            self.throttle = throttle
            self.corsAllowedOrigins = corsAllowedOrigins
            self.databaseURL = databaseURL
            self.migrations = migrations
        }
    }

    /// The defaults of SPEC §9: what an empty environment and no flags give.
    public init() {}

    /// Reads every variable of `environment` (an empty value is unset), then `flags` over it.
    ///
    /// - Throws: ``ConfigurationError`` naming the first bad variable or flag.
    public init(environment: [String: String], flags: Flags = Flags()) throws(ConfigurationError) {
        let variables = Variables(environment: environment)
        host = flags.host ?? variables["LATCHKEY_HOST"] ?? host
        if let port = flags.port {
            guard (1...65535).contains(port) else { throw ConfigurationError("--port must be a port from 1 to 65535, not \(port).") }
            self.port = port
        } else {
            port = try variables.port("LATCHKEY_PORT") ?? port
        }
        if let text = variables["LATCHKEY_PUBLIC_URL"] {
            guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains(where: \.isWhitespace) else {
                throw ConfigurationError("LATCHKEY_PUBLIC_URL must be an http:// or https:// URL, not '\(text)'.")
            }
            publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
        }
        if let text = variables["LATCHKEY_METRICS_PORT"] {
            guard let metricsPort = Int(text), (1...65535).contains(metricsPort), metricsPort != port else {
                throw ConfigurationError("LATCHKEY_METRICS_PORT must be a port from 1 to 65535 other than the API's, not '\(text)'.")
            }
            self.metricsPort = metricsPort
        }
        drainPeriod = try variables.seconds("LATCHKEY_DRAIN_SECONDS", in: 0...300) ?? drainPeriod
        readCache = try variables.switch("LATCHKEY_READ_CACHE") ?? readCache
        decisionLog = try variables.switch("LATCHKEY_DECISION_LOG") ?? decisionLog
        usageCounting = try variables.switch("LATCHKEY_USAGE") ?? usageCounting
        if let text = variables["LATCHKEY_USAGE_RETENTION_DAYS"] {
            guard let days = Int(text), (1...3660).contains(days) else {
                throw ConfigurationError("LATCHKEY_USAGE_RETENTION_DAYS must be a number of days from 1 to 3660, not '\(text)'.")
            }
            usageRetentionDays = days
        }
        let throttling = if let text = flags.throttle { try Variables.switch("--throttle", text) } else { try variables.switch("LATCHKEY_THROTTLE") }
        throttle = ThrottleSettings(
            enabled: throttling ?? true,
            anonymous: try variables.rate("LATCHKEY_THROTTLE_ANON") ?? .anonymousDefault,
            user: try variables.rate("LATCHKEY_THROTTLE_USER") ?? .userDefault,
            legacyToken: try variables.rate("LATCHKEY_THROTTLE_TOKEN") ?? .legacyTokenDefault,
            failedAuthentication: try variables.rate("LATCHKEY_THROTTLE_FAILED_AUTH")
        )
        sharedThrottle = try variables.switch("LATCHKEY_THROTTLE_SHARED") ?? sharedThrottle
        corsAllowedOrigins = if let text = flags.corsAllowedOrigins {
            try Self.origins(text, from: "--cors-allowed-origins")
        } else {
            try Self.origins(variables["CORS_ALLOWED_ORIGINS"], from: "CORS_ALLOWED_ORIGINS")
        }
        // Addresses or CIDR ranges (SPEC §7): a range silently dropped would make every client
        // behind the ingress one throttling bucket, so anything else stops start-up.
        trustedProxies = Self.list(variables["LATCHKEY_TRUSTED_PROXIES"])
        if let bad = trustedProxies.first(where: { AddressRange($0) == nil }) {
            throw ConfigurationError("LATCHKEY_TRUSTED_PROXIES must list IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8, separated by commas, not '\(bad.prefix(60))'.")
        }
        if let text = variables["LATCHKEY_SESSION_TTL"] {
            guard let seconds = Int(text), seconds > 0, seconds <= 30 * 86400 else {
                throw ConfigurationError("LATCHKEY_SESSION_TTL must be a number of seconds from 1 to 2592000, not '\(text)'.")
            }
            sessionLifetime = .seconds(seconds)
        }
        if let text = variables["LATCHKEY_SECRET_KEY"] {
            // The value is never echoed.
            guard let box = SecretBox(base64: text) else {
                throw ConfigurationError("LATCHKEY_SECRET_KEY must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`).")
            }
            secretBox = box
        }
        if let text = variables["LATCHKEY_WEBHOOK_TARGETS"] {
            guard let targets = WebhookTargets(rawValue: text) else {
                throw ConfigurationError("LATCHKEY_WEBHOOK_TARGETS must be 'public' or 'any', not '\(text.prefix(60))'.")
            }
            webhookTargets = targets
        }
        if let text = variables["LATCHKEY_KEY_NOTICE_SECONDS"] {
            guard let seconds = Int(text), (1...60).contains(seconds) else {
                throw ConfigurationError("LATCHKEY_KEY_NOTICE_SECONDS must be a number of seconds from 1 to 60, not '\(text.prefix(60))'.")
            }
            keyNoticeInterval = .seconds(seconds)
        }
        githubScanningKeys = variables["LATCHKEY_GITHUB_SCANNING_KEYS"]
        if let path = variables["LATCHKEY_GATEWAY_ROUTES"] {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("LATCHKEY_GATEWAY_ROUTES: cannot read '\(path.prefix(200))'.")
            }
            do { gatewayRoutes = try GatewayRoutes(json: [UInt8](bytes)) } catch {
                throw ConfigurationError("LATCHKEY_GATEWAY_ROUTES ('\(path.prefix(200))'): \(error.description).")
            }
        }

        databaseURL = (flags.databaseURL ?? variables["DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        if let text = variables["LATCHKEY_DB_POOL_SIZE"] {
            guard let size = Int(text), (1...1000).contains(size) else {
                throw ConfigurationError("LATCHKEY_DB_POOL_SIZE must be a number of connections from 1 to 1000, not '\(text)'.")
            }
            databasePoolSize = size
        }
        databaseStatementTimeout = try variables.seconds("LATCHKEY_DB_STATEMENT_TIMEOUT", in: 0...86400) ?? databaseStatementTimeout
        migrations = flags.migrations.map { Folder(name: "--migrations", path: $0) }
            ?? variables["LATCHKEY_MIGRATIONS"].map { Folder(name: "LATCHKEY_MIGRATIONS", path: $0) }

        if let text = variables["LATCHKEY_LOG_FORMAT"] {
            guard let format = LogFormat(rawValue: text) else {
                throw ConfigurationError("LATCHKEY_LOG_FORMAT must be text or json, not '\(text)'.")
            }
            logFormat = format
        }
        if let text = variables["LATCHKEY_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError("LATCHKEY_LOG_LEVEL must be one of \(names), not '\(text)'.")
            }
            logLevel = level
        }
    }

    /// The configuration of this process: its environment, then `flags`.
    public static func current(flags: Flags = Flags()) throws(ConfigurationError) -> Configuration {
        try Configuration(environment: ProcessInfo.processInfo.environment, flags: flags)
    }

    /// What the router is built with.
    public var api: APISettings {
        APISettings(
            // Never the request's Host: a client could make the metadata point anywhere (SPEC §6).
            publicURL: publicURL ?? "http://\(["0.0.0.0", "::", ""].contains(host) ? "localhost" : host):\(port)",
            throttle: throttle,
            corsAllowedOrigins: corsAllowedOrigins,
            trustedProxies: trustedProxies,
            sessionLifetime: sessionLifetime,
            secretBox: secretBox,
            metrics: metricsPort != nil,
            webhookTargets: webhookTargets,
            gatewayRoutes: gatewayRoutes
        )
    }

    /// The pool's settings.
    ///
    /// - Throws: ``ConfigurationError`` when no database is named.
    public func database() throws(ConfigurationError) -> PGConfiguration {
        guard let databaseURL else { throw ConfigurationError("DATABASE_URL is not set (or pass --database-url).") }
        return PGConfiguration(connectionString: databaseURL, maxConnections: databasePoolSize, statementTimeout: databaseStatementTimeout)
    }

    /// Whether `text` is a web origin: `http` or `https`, `://`, then a host (and port) with no
    /// path, query, fragment, user or whitespace.
    public static func isOrigin(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else { return false }
        let authority = lowered.dropFirst(scheme.count)
        return !authority.isEmpty && !authority.contains(where: { "/?#@ \t".contains($0) })
    }

    // Browsers send an origin as `scheme://host[:port]`, nothing after: anything else could
    // never match, so it is a mistake to report rather than a setting to keep.
    private static func origins(_ text: String?, from name: String) throws(ConfigurationError) -> [String] {
        let origins = list(text)
        if let bad = origins.first(where: { !isOrigin($0) }) {
            throw ConfigurationError("\(name) must list origins such as https://app.example.com (no path, no trailing slash), not '\(bad)'.")
        }
        return origins
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// How logs are written (`LATCHKEY_LOG_FORMAT`): lines of text, or one JSON object per line.
public enum LogFormat: String, Sendable {
    case text, json
}

/// A refused setting: the message names the variable or flag (and never echoes a secret).
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The environment's values by name, an empty one unset, with the readers of each kind of value.
private struct Variables {
    let environment: [String: String]

    subscript(name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `on`/`off` (or true/false, 1/0, yes/no).
    func `switch`(_ name: String) throws(ConfigurationError) -> Bool? {
        try self[name].map { text throws(ConfigurationError) in try Self.switch(name, text) }
    }

    static func `switch`(_ name: String, _ text: String) throws(ConfigurationError) -> Bool {
        switch text.lowercased() {
        case "on", "true", "1", "yes": return true
        case "off", "false", "0", "no": return false
        default: throw ConfigurationError("\(name) must be on or off, not '\(text)'.")
        }
    }

    /// A rate such as `60/min`.
    func rate(_ name: String) throws(ConfigurationError) -> ThrottleRate? {
        guard let text = self[name] else { return nil }
        guard let rate = ThrottleRate(parsing: text) else {
            throw ConfigurationError("\(name) must be a rate such as 60/min, not '\(text)'.")
        }
        return rate
    }

    func port(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigurationError("\(name) must be a port from 1 to 65535, not '\(text)'.")
        }
        return port
    }

    /// A whole number of seconds in `range`.
    func seconds(_ name: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Duration? {
        guard let text = self[name] else { return nil }
        guard let seconds = Int(text), range.contains(seconds) else {
            throw ConfigurationError("\(name) must be a number of seconds from \(range.lowerBound) to \(range.upperBound), not '\(text)'.")
        }
        return .seconds(seconds)
    }
}
