import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import ServerTestSupport
import Testing
import Vault

/// Client addresses behind proxies (SPEC §7, issue #34): `LATCHKEY_TRUSTED_PROXIES` takes
/// addresses and CIDR ranges (a Kubernetes ingress has no fixed address). A peer inside a
/// trusted range speaks for the client it forwards; IP allowlists, throttling and the audit log
/// all see that client. A peer outside every range is the client itself, whatever it forwards.
@Suite struct TrustedProxyTests {
    /// The live test client connects from 127.0.0.1.
    static func settings(proxies: [String]) -> APISettings {
        ThrottleTests.settings(anonymous: "1/min", user: "1000/min", proxies: proxies)
    }

    static func forwarding(_ chain: String) -> HTTPFields { [HeaderName.forwardedFor: chain] }

    @Test func aPeerInsideATrustedRangeSpeaksForTheForwardedClient() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let office = try await world.key(for: ada, allowedCIDRs: ["203.0.113.0/24"])
            try await DecisionAgreement.$exempt.withValue(true) {
                try await world.client(settings: Self.settings(proxies: ["127.0.0.0/8", "10.0.0.0/8"]), over: .live) { (client: any TestClientProtocol) async throws in
                    // The allowlist judges the forwarded client.
                    #expect(try await client.send("/api/surveys/", key: office, headers: Self.forwarding("203.0.113.9")).status == .ok)
                    let outside = try await client.send("/api/surveys/", key: office, headers: Self.forwarding("198.51.100.1"))
                    #expect(outside.status == .forbidden && outside.object["code"] as? String == "IP_NOT_ALLOWED", "\(outside.text)")
                    // Hops inside a trusted range are skipped, right to left.
                    #expect(try await client.send("/api/surveys/", key: office, headers: Self.forwarding("198.51.100.1, 203.0.113.9, 10.20.30.40")).status == .ok)
                    #expect(try await client.send("/api/surveys/", key: office, headers: Self.forwarding("203.0.113.9, 198.51.100.1, 10.20.30.40")).status == .forbidden)

                    // Throttling counts each forwarded client apart (anonymous: 1/min).
                    #expect(try await client.send("/api/datasets/", headers: Self.forwarding("198.51.100.7")).status == .ok)
                    #expect(try await client.send("/api/datasets/", headers: Self.forwarding("198.51.100.7")).status == .tooManyRequests)
                    #expect(try await client.send("/api/datasets/", headers: Self.forwarding("198.51.100.8, 10.9.9.9")).status == .ok)

                    // The audit log records the forwarded client.
                    let login = try await client.send("/api/auth/login/", method: .post, headers: Self.forwarding("203.0.113.77"),
                                                      body: #"{"apikey":"\#(office)"}"#)
                    #expect(login.status == .ok, "\(login.text)")
                }
            }
            let ip = try await world.pool.query("SELECT ip FROM audit_events WHERE action = 'login'")[0].decode(String?.self, at: 0)
            #expect(ip == "203.0.113.77")
        }
    }

    @Test func aPeerOutsideEveryTrustedRangeIsTheClient() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let office = try await world.key(for: ada, allowedCIDRs: ["203.0.113.0/24"])
            let local = try await world.key(for: ada, allowedCIDRs: ["127.0.0.0/8"])
            try await DecisionAgreement.$exempt.withValue(true) {
                try await world.client(settings: Self.settings(proxies: ["10.0.0.0/8", "2001:db8::/32"]), over: .live) { (client: any TestClientProtocol) async throws in
                    #expect(try await client.send("/api/surveys/", key: office, headers: Self.forwarding("203.0.113.9")).status == .forbidden)
                    #expect(try await client.send("/api/surveys/", key: local, headers: Self.forwarding("198.51.100.1")).status == .ok)
                    // Every forwarded address is the peer's own: one allowance.
                    #expect(try await client.send("/api/datasets/", headers: Self.forwarding("198.51.100.7")).status == .ok)
                    #expect(try await client.send("/api/datasets/", headers: Self.forwarding("198.51.100.8")).status == .tooManyRequests)
                }
            }
        }
    }

    @Test func rangesMatchBothFamiliesAndMappedAddresses() {
        let middleware = ClientAddressMiddleware<LatchkeyRequestContext>(trustedProxies: ["10.0.0.0/8", "2001:db8::/32", "192.168.1.1"])
        #expect(middleware.isTrusted(IPAddress("10.200.3.4")!))
        #expect(middleware.isTrusted(IPAddress("::ffff:10.1.1.1")!), "an IPv4 peer on a dual-stack socket")
        #expect(middleware.isTrusted(IPAddress("2001:db8:ffff::1")!))
        #expect(middleware.isTrusted(IPAddress("192.168.1.1")!))
        #expect(!middleware.isTrusted(IPAddress("192.168.1.2")!))
        #expect(!middleware.isTrusted(IPAddress("11.0.0.1")!))
        #expect(middleware.clientAddress(peer: "10.0.0.5", forwarded: ["198.51.100.1, 10.1.1.1"]) == "198.51.100.1")
        #expect(middleware.clientAddress(peer: "10.0.0.5", forwarded: ["2001:db8::9"]) == "2001:db8::9", "every hop a proxy: the leftmost")
        #expect(middleware.clientAddress(peer: "10.0.0.5", forwarded: ["2001:db8::9", "2001:DB9::1"]) == "2001:db9::1")
        #expect(middleware.clientAddress(peer: "10.0.0.5", forwarded: ["junk, 10.0.0.7"]) == "10.0.0.7", "a malformed hop ends the walk")
    }
}
