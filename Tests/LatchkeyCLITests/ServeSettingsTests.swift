import Server
import Testing
@testable import latchkey

/// `latchkey serve` reads SPEC §9's environment; flags override it; a bad value names its variable.
@Suite struct ServeSettingsTests {
    @Test func defaultsAreTheSpecsLimitsWithThrottlingOnAndCORSOff() throws {
        let settings = try Serve.settings(environment: [:], host: nil, port: nil, throttle: nil, corsAllowedOrigins: nil)
        #expect(settings.api.throttle.enabled)
        #expect(settings.api.throttle.anonymous == ThrottleRate(limit: 60, seconds: 60))
        #expect(settings.api.throttle.user == ThrottleRate(limit: 120, seconds: 60))
        #expect(settings.api.throttle.legacyToken == ThrottleRate(limit: 5, seconds: 60))
        #expect(settings.api.corsAllowedOrigins.isEmpty)
        #expect(settings.api.trustedProxies.isEmpty)
        #expect(settings.api.sessionLifetime == .seconds(43200))
        #expect(settings.host == "127.0.0.1" && settings.port == 8080)
        #expect(settings.readCache)
    }

    @Test func theEnvironmentConfiguresAndFlagsOverride() throws {
        let environment = [
            "LATCHKEY_THROTTLE": "off", "LATCHKEY_THROTTLE_ANON": "10/30s", "LATCHKEY_THROTTLE_USER": "1000/hour",
            "CORS_ALLOWED_ORIGINS": " https://a.example , https://b.example,", "LATCHKEY_TRUSTED_PROXIES": "10.0.0.1",
            "LATCHKEY_SESSION_TTL": "600", "LATCHKEY_PORT": "9000", "LATCHKEY_READ_CACHE": "off",
        ]
        let settings = try Serve.settings(environment: environment, host: nil, port: nil, throttle: nil, corsAllowedOrigins: nil)
        #expect(!settings.api.throttle.enabled)
        #expect(settings.api.throttle.anonymous == ThrottleRate(limit: 10, seconds: 30))
        #expect(settings.api.throttle.user == ThrottleRate(limit: 1000, seconds: 3600))
        #expect(settings.api.corsAllowedOrigins == ["https://a.example", "https://b.example"])
        #expect(settings.api.trustedProxies == ["10.0.0.1"])
        #expect(settings.api.sessionLifetime == .seconds(600))
        #expect(settings.port == 9000)
        #expect(!settings.readCache)
        let flagged = try Serve.settings(environment: environment, host: nil, port: 9100, throttle: "on", corsAllowedOrigins: "https://c.example")
        #expect(flagged.api.throttle.enabled)
        #expect(flagged.api.corsAllowedOrigins == ["https://c.example"])
        #expect(flagged.port == 9100)
    }

    @Test func badValuesAreRefusedByName() {
        for (name, value) in [("LATCHKEY_THROTTLE", "maybe"), ("LATCHKEY_THROTTLE_ANON", "60"), ("LATCHKEY_THROTTLE_USER", "x/min"),
                              ("LATCHKEY_SESSION_TTL", "-5"), ("LATCHKEY_READ_CACHE", "sometimes"), ("LATCHKEY_SESSION_TTL", "forever"),
                              ("LATCHKEY_PORT", "abc"), ("LATCHKEY_PORT", "0"), ("LATCHKEY_PORT", "70000"),
                              ("CORS_ALLOWED_ORIGINS", "*"), ("CORS_ALLOWED_ORIGINS", "app.example.com"),
                              ("CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example/")] {
            #expect(throws: (any Error).self, "\(name)=\(value)") {
                try Serve.settings(environment: [name: value], host: nil, port: nil, throttle: nil, corsAllowedOrigins: nil)
            }
            do {
                _ = try Serve.settings(environment: [name: value], host: nil, port: nil, throttle: nil, corsAllowedOrigins: nil)
            } catch {
                #expect("\(error)".contains(name), "\(error)")
            }
        }
    }

    @Test func flagsAreCheckedToo() {
        #expect(throws: (any Error).self) {
            try Serve.settings(environment: [:], host: nil, port: 65536, throttle: nil, corsAllowedOrigins: nil)
        }
        #expect(throws: (any Error).self) {
            try Serve.settings(environment: [:], host: nil, port: nil, throttle: nil, corsAllowedOrigins: "https://a.example/path")
        }
    }

    @Test func theLogLevelIsOneOfSwiftLogsInAnyCase() throws {
        #expect(try LogFormat.level([:]) == .info)
        #expect(try LogFormat.level(["LATCHKEY_LOG_LEVEL": "DEBUG"]) == .debug)
        #expect(try LogFormat.level(["LATCHKEY_LOG_LEVEL": "warning"]) == .warning)
        do {
            _ = try LogFormat.level(["LATCHKEY_LOG_LEVEL": "loud"])
            Issue.record("an unknown level was accepted")
        } catch {
            #expect("\(error)".contains("LATCHKEY_LOG_LEVEL"))
        }
    }
}
