import Server
import Testing
@testable import latchkey

/// `LATCHKEY_TRUSTED_PROXIES` (SPEC §7, §9): addresses or CIDR ranges, IPv4 or IPv6; any other
/// entry stops start-up with a message naming the variable (a range silently dropped would make
/// every client behind the ingress one throttling bucket).
@Suite struct TrustedProxySettingsTests {
    static func settings(_ value: String) throws -> ServerSettings {
        try Serve.settings(environment: ["LATCHKEY_TRUSTED_PROXIES": value], host: nil, port: nil, throttle: nil, corsAllowedOrigins: nil)
    }

    @Test func addressesAndRangesAreAccepted() throws {
        let settings = try Self.settings(" 10.0.0.0/8, 192.168.1.7 ,2001:db8::/32, ::1, 172.16.0.0/12,")
        #expect(settings.api.trustedProxies == ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1", "172.16.0.0/12"])
    }

    @Test func anythingElseIsRefusedByName() {
        for bad in ["10.0.0.0/33", "proxy.internal", "10.0.0.1/", "300.1.1.1", "10.0.0.0/8 10.1.0.0/16", "2001:db8::/129", "10.0.0.0/-1", "*"] {
            do {
                _ = try Self.settings(bad)
                Issue.record("'\(bad)' was accepted")
            } catch {
                #expect("\(error)".contains("LATCHKEY_TRUSTED_PROXIES"), "\(bad): \(error)")
            }
        }
    }
}
