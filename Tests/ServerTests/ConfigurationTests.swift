import Events
import Logging
import Server
import Testing

/// The configuration (SPEC §9): the environment, then flags over it; the defaults of an empty
/// environment; every bad value refused, naming its variable or flag.
@Suite struct ConfigurationTests {
    static func configuration(_ environment: [String: String], flags: Configuration.Flags = .init()) throws(ConfigurationError) -> Configuration {
        try Configuration(environment: environment, flags: flags)
    }

    /// The message of the refusal of `environment` and `flags`, or `nil` when they were accepted.
    static func refusal(_ environment: [String: String], flags: Configuration.Flags = .init()) -> String? {
        do {
            _ = try configuration(environment, flags: flags)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func defaultsAreTheSpecsLimitsWithThrottlingOnAndCORSOff() throws {
        let configuration = try Self.configuration([:])
        #expect(configuration.throttle.enabled)
        #expect(configuration.throttle.anonymous == ThrottleRate(limit: 60, seconds: 60))
        #expect(configuration.throttle.user == ThrottleRate(limit: 120, seconds: 60))
        #expect(configuration.throttle.legacyToken == ThrottleRate(limit: 5, seconds: 60))
        #expect(configuration.throttle.failedAuthentication == nil)
        #expect(configuration.sharedThrottle)
        #expect(configuration.corsAllowedOrigins.isEmpty)
        #expect(configuration.webhookTargets == .public)
        #expect(configuration.trustedProxies.isEmpty)
        #expect(configuration.sessionLifetime == .seconds(43200))
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8080)
        #expect(configuration.api.publicURL == "http://127.0.0.1:8080")
        #expect(configuration.readCache && configuration.decisionLog)
        #expect(configuration.metricsPort == nil && !configuration.api.metrics)
        #expect(configuration.drainPeriod == .seconds(5))
        #expect(configuration.secretBox == nil && configuration.githubScanningKeys == nil)
        #expect(configuration.databaseURL == nil && configuration.migrations == nil)
        #expect(configuration.databasePoolSize == 8 && configuration.databaseStatementTimeout == .seconds(30))
        #expect(configuration.logFormat == .text && configuration.logLevel == .info)
        let plain = Configuration()
        #expect(plain.port == configuration.port && plain.api.publicURL == configuration.api.publicURL)
    }

    @Test func theEnvironmentConfiguresAndFlagsOverride() throws {
        let environment = [
            "LATCHKEY_THROTTLE": "off", "LATCHKEY_THROTTLE_ANON": "10/30s", "LATCHKEY_THROTTLE_USER": "1000/hour",
            "LATCHKEY_THROTTLE_TOKEN": "3/min", "LATCHKEY_THROTTLE_FAILED_AUTH": "7/min", "LATCHKEY_THROTTLE_SHARED": "off",
            "CORS_ALLOWED_ORIGINS": " https://a.example , https://b.example,", "LATCHKEY_TRUSTED_PROXIES": "10.0.0.1",
            "LATCHKEY_SESSION_TTL": "600", "LATCHKEY_HOST": "0.0.0.0", "LATCHKEY_PORT": "9000", "LATCHKEY_READ_CACHE": "off",
            "LATCHKEY_DECISION_LOG": "off", "LATCHKEY_METRICS_PORT": "9090", "LATCHKEY_DRAIN_SECONDS": "0",
            "LATCHKEY_SECRET_KEY": String(repeating: "A", count: 43) + "=", "LATCHKEY_GITHUB_SCANNING_KEYS": "/etc/github-keys.json",
            "DATABASE_URL": "postgresql://env/db", "LATCHKEY_DB_POOL_SIZE": "20", "LATCHKEY_DB_STATEMENT_TIMEOUT": "0",
            "LATCHKEY_MIGRATIONS": "/srv/db", "LATCHKEY_LOG_FORMAT": "json", "LATCHKEY_LOG_LEVEL": "Warning",
            "LATCHKEY_WEBHOOK_TARGETS": "any", "LATCHKEY_KEY_NOTICE_SECONDS": "5",
        ]
        let configuration = try Self.configuration(environment)
        #expect(!configuration.throttle.enabled && !configuration.sharedThrottle)
        #expect(configuration.throttle.anonymous == ThrottleRate(limit: 10, seconds: 30))
        #expect(configuration.throttle.user == ThrottleRate(limit: 1000, seconds: 3600))
        #expect(configuration.throttle.legacyToken == ThrottleRate(limit: 3, seconds: 60))
        #expect(configuration.throttle.failedAuthentication == ThrottleRate(limit: 7, seconds: 60))
        #expect(configuration.corsAllowedOrigins == ["https://a.example", "https://b.example"])
        #expect(configuration.trustedProxies == ["10.0.0.1"])
        #expect(configuration.sessionLifetime == .seconds(600))
        #expect(configuration.keyNoticeInterval == .seconds(5))
        #expect(configuration.port == 9000 && configuration.host == "0.0.0.0")
        #expect(configuration.api.publicURL == "http://localhost:9000", "the bound address, never 0.0.0.0")
        #expect(!configuration.readCache && !configuration.decisionLog)
        #expect(configuration.metricsPort == 9090 && configuration.api.metrics)
        #expect(configuration.drainPeriod == .zero)
        #expect(configuration.webhookTargets == .any && configuration.api.webhookTargets == .any)
        #expect(configuration.secretBox != nil && configuration.githubScanningKeys == "/etc/github-keys.json")
        #expect(configuration.migrations?.name == "LATCHKEY_MIGRATIONS" && configuration.migrations?.path == "/srv/db")
        #expect(configuration.logFormat == .json && configuration.logLevel == .warning)
        let database = try configuration.database()
        #expect(database.connectionString == "postgresql://env/db")
        #expect(database.maxConnections == 20 && database.statementTimeout == .zero)

        let flagged = try Self.configuration(environment, flags: Configuration.Flags(
            host: "127.0.0.2", port: 9100, throttle: "on", corsAllowedOrigins: "https://c.example",
            databaseURL: "postgresql://flag/db", migrations: "./db"))
        #expect(flagged.throttle.enabled)
        #expect(flagged.corsAllowedOrigins == ["https://c.example"])
        #expect(flagged.host == "127.0.0.2" && flagged.port == 9100)
        #expect(flagged.api.publicURL == "http://127.0.0.2:9100")
        #expect(try flagged.database().connectionString == "postgresql://flag/db")
        #expect(try flagged.database().maxConnections == 20, "the pool size holds for a URL given by flag")
        #expect(flagged.migrations?.name == "--migrations" && flagged.migrations?.path == "./db")
    }

    @Test func thePublicURLIsTakenWithoutItsTrailingSlash() throws {
        let configuration = try Self.configuration(["LATCHKEY_PUBLIC_URL": "https://authz.example.com/"])
        #expect(configuration.api.publicURL == "https://authz.example.com")
    }

    @Test func anEmptyValueIsUnset() throws {
        let configuration = try Self.configuration(["LATCHKEY_PORT": "", "DATABASE_URL": "", "LATCHKEY_LOG_LEVEL": "", "LATCHKEY_DB_POOL_SIZE": ""])
        #expect(configuration.port == 8080 && configuration.databaseURL == nil && configuration.logLevel == .info)
        #expect(configuration.databasePoolSize == 8)
    }

    @Test func badValuesAreRefusedByName() {
        for (name, value) in [("LATCHKEY_THROTTLE", "maybe"), ("LATCHKEY_THROTTLE_ANON", "60"), ("LATCHKEY_THROTTLE_USER", "x/min"),
                              ("LATCHKEY_THROTTLE_TOKEN", "5/fortnight"), ("LATCHKEY_THROTTLE_FAILED_AUTH", "0/min"),
                              ("LATCHKEY_THROTTLE_SHARED", "perhaps"), ("LATCHKEY_DECISION_LOG", "loud"),
                              ("LATCHKEY_SESSION_TTL", "-5"), ("LATCHKEY_READ_CACHE", "sometimes"), ("LATCHKEY_SESSION_TTL", "forever"),
                              ("LATCHKEY_SESSION_TTL", "2592001"),
                              ("LATCHKEY_PORT", "abc"), ("LATCHKEY_PORT", "0"), ("LATCHKEY_PORT", "70000"),
                              ("LATCHKEY_METRICS_PORT", "0"), ("LATCHKEY_METRICS_PORT", "8080"), ("LATCHKEY_METRICS_PORT", "http"),
                              ("LATCHKEY_PUBLIC_URL", "authz.example.com"), ("LATCHKEY_PUBLIC_URL", "https://a b"),
                              ("LATCHKEY_DRAIN_SECONDS", "forever"), ("LATCHKEY_DRAIN_SECONDS", "301"), ("LATCHKEY_DRAIN_SECONDS", "-1"),
                              ("CORS_ALLOWED_ORIGINS", "*"), ("CORS_ALLOWED_ORIGINS", "app.example.com"),
                              ("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example/"),
                              ("LATCHKEY_TRUSTED_PROXIES", "proxy.internal"),
                              ("LATCHKEY_DB_POOL_SIZE", "0"), ("LATCHKEY_DB_POOL_SIZE", "-3"), ("LATCHKEY_DB_POOL_SIZE", "many"),
                              ("LATCHKEY_DB_POOL_SIZE", "1001"), ("LATCHKEY_DB_STATEMENT_TIMEOUT", "-1"),
                              ("LATCHKEY_DB_STATEMENT_TIMEOUT", "30s"), ("LATCHKEY_DB_STATEMENT_TIMEOUT", "86401"),
                              ("LATCHKEY_LOG_FORMAT", "xml"), ("LATCHKEY_LOG_LEVEL", "loud"),
                              ("LATCHKEY_WEBHOOK_TARGETS", "all"), ("LATCHKEY_WEBHOOK_TARGETS", "ANY"),
                              ("LATCHKEY_KEY_NOTICE_SECONDS", "0"), ("LATCHKEY_KEY_NOTICE_SECONDS", "61"), ("LATCHKEY_KEY_NOTICE_SECONDS", "1m")] {
            let refusal = Self.refusal([name: value])
            #expect(refusal?.contains(name) == true, "\(name)=\(value): \(refusal ?? "accepted")")
        }
    }

    @Test func aBadSecretKeyIsRefusedByNameWithoutEchoingIt() {
        let secret = "c2hvcnQgYnV0IHNlY3JldA=="
        let refusal = Self.refusal(["LATCHKEY_SECRET_KEY": secret])
        #expect(refusal?.contains("LATCHKEY_SECRET_KEY") == true)
        #expect(refusal?.contains(secret) == false)
    }

    @Test func flagsAreCheckedToo() {
        for (flags, name) in [(Configuration.Flags(port: 65536), "--port"), (Configuration.Flags(port: 0), "--port"),
                              (Configuration.Flags(throttle: "sometimes"), "--throttle"),
                              (Configuration.Flags(corsAllowedOrigins: "https://a.example/path"), "--cors-allowed-origins")] {
            let refusal = Self.refusal([:], flags: flags)
            #expect(refusal?.contains(name) == true, "\(flags): \(refusal ?? "accepted")")
        }
        // The metrics port is compared with the port as bound, the flag's.
        #expect(Self.refusal(["LATCHKEY_METRICS_PORT": "9000"], flags: Configuration.Flags(port: 9000))?.contains("LATCHKEY_METRICS_PORT") == true)
        #expect(Self.refusal(["LATCHKEY_METRICS_PORT": "8080", "LATCHKEY_PORT": "9000"]) == nil)
    }

    @Test func theDatabaseIsRequiredOnlyWhenAsked() throws {
        let configuration = try Self.configuration([:])
        do {
            _ = try configuration.database()
            Issue.record("a database was made up")
        } catch {
            #expect(error.description.contains("DATABASE_URL") && error.description.contains("--database-url"))
        }
    }

    @Test func theLogLevelIsOneOfSwiftLogsInAnyCase() throws {
        #expect(try Self.configuration(["LATCHKEY_LOG_LEVEL": "DEBUG"]).logLevel == .debug)
        #expect(try Self.configuration(["LATCHKEY_LOG_LEVEL": "warning"]).logLevel == .warning)
        for level in Logger.Level.allCases {
            #expect(try Self.configuration(["LATCHKEY_LOG_LEVEL": level.rawValue.uppercased()]).logLevel == level)
        }
    }
}

/// `LATCHKEY_TRUSTED_PROXIES` (SPEC §7, §9): addresses or CIDR ranges, IPv4 or IPv6; any other
/// entry stops start-up with a message naming the variable (a range silently dropped would make
/// every client behind the ingress one throttling bucket).
@Suite struct TrustedProxySettingsTests {
    static func configuration(_ value: String) throws -> Configuration {
        try Configuration(environment: ["LATCHKEY_TRUSTED_PROXIES": value])
    }

    @Test func addressesAndRangesAreAccepted() throws {
        let configuration = try Self.configuration(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32, ::1, 172.16.0.0/12,")
        #expect(configuration.trustedProxies == ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1", "172.16.0.0/12"])
    }

    @Test func anythingElseIsRefusedByName() {
        for bad in ["10.0.0.0/33", "proxy.internal", "10.0.0.1/", "300.1.1.1", "10.0.0.0/8 10.1.0.0/16", "2001:db8::/129", "10.0.0.0/-1", "*"] {
            do {
                _ = try Self.configuration(bad)
                Issue.record("'\(bad)' was accepted")
            } catch {
                #expect("\(error)".contains("LATCHKEY_TRUSTED_PROXIES"), "\(bad): \(error)")
            }
        }
    }
}
