import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Server
import ServerTestSupport
import Testing
import Vault

/// IP allowlists (SPEC §2): a key with `allowed_cidrs` works only from inside them, the client
/// address resolved through trusted proxies (§7); elsewhere 403 `IP_NOT_ALLOWED`. The decision
/// API reports it when the service passes the end client's address.
@Suite struct IPAllowlistTests {
    static let refusal = #"{"detail":"API key is not allowed from this address.","code":"IP_NOT_ALLOWED"}"#

    @Test func aKeyWorksOnlyFromItsRanges() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let loopback = try await world.key(for: ada, allowedCIDRs: ["127.0.0.0/8"])
            let mapped = try await world.key(for: ada, allowedCIDRs: ["2001:db8::/32", "::ffff:127.0.0.1/128"])
            let elsewhere = try await world.key(for: ada, allowedCIDRs: ["203.0.113.0/24", "2001:db8::/32"])
            let anywhere = try await world.key(for: ada)
            try await DecisionAgreement.$exempt.withValue(true) {
                try await world.client(over: .live) { (client: any TestClientProtocol) async throws in
                    for key in [loopback, mapped, anywhere] {
                        #expect(try await client.send("/api/surveys/", key: key).status == .ok)
                    }
                    let refused = try await client.send("/api/surveys/", key: elsewhere)
                    #expect(refused.status == .forbidden && refused.text == Self.refusal)
                    // Sessions act as their key: none is made, and none made earlier works from outside.
                    let login = try await client.send("/api/auth/login/", method: .post, body: #"{"apikey":"\#(elsewhere)"}"#)
                    #expect(login.status == .forbidden && login.object["code"] as? String == "IP_NOT_ALLOWED", "\(login.text)")
                    #expect(try await world.pool.query("SELECT count(*) FROM session_tokens")[0].decode(Int64.self, at: 0) == 0)
                    // The check comes after the key's own status: a revoked key stays 401.
                    try await world.pool.execute("UPDATE api_keys SET revoked_at = now() WHERE allowed_cidrs = '{203.0.113.0/24,2001:db8::/32}'")
                    world.dependencies.vault.flushCache()
                    #expect(try await client.send("/api/surveys/", key: elsewhere).status == .unauthorized)
                }
                // In memory there is no peer address: a key with ranges is refused, fail closed.
                try await world.client { (client: any TestClientProtocol) async throws in
                    #expect(try await client.send("/api/surveys/", key: loopback).status == .forbidden)
                    #expect(try await client.send("/api/surveys/", key: anywhere).status == .ok)
                }
            }
        }
    }

    @Test func forwardedAddressesCountOnlyThroughTrustedProxies() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let office = try await world.key(for: ada, allowedCIDRs: ["203.0.113.0/24"])
            let forwarded: HTTPFields = [HeaderName.forwardedFor: "203.0.113.9"]
            let spoofed: HTTPFields = [HeaderName.forwardedFor: "127.0.0.1, 198.51.100.7"]
            try await DecisionAgreement.$exempt.withValue(true) {
                try await world.client(settings: APISettings(trustedProxies: ["127.0.0.1"]), over: .live) { (client: any TestClientProtocol) async throws in
                    #expect(try await client.send("/api/surveys/", key: office, headers: forwarded).status == .ok)
                    #expect(try await client.send("/api/surveys/", key: office, headers: spoofed).status == .forbidden)
                    #expect(try await client.send("/api/surveys/", key: office).status == .forbidden, "the proxy itself is outside")
                }
                try await world.client(over: .live) { (client: any TestClientProtocol) async throws in
                    #expect(try await client.send("/api/surveys/", key: office, headers: forwarded).status == .forbidden, "no trusted proxy: the header is ignored")
                }
            }
        }
    }

    @Test func theDecisionAPIReportsItWhenGivenTheClientAddress() async throws {
        try await ServerWorld.with { world in
            let ada = try await world.user("ada")
            let office = try await world.key(for: ada, allowedCIDRs: ["203.0.113.0/24", "2001:db8::/32"])
            let service = try #require(world.service)
            try await world.client { (client: any TestClientProtocol) async throws in
                func verify(_ body: String) async throws -> Reply {
                    try await client.send("/v1/keys/verify", method: .post, key: service, body: body)
                }
                let inside = try await verify(#"{"key":"\#(office)","ip":"203.0.113.200"}"#)
                #expect(inside.object["code"] as? String == "VALID" && inside.object["valid"] as? Bool == true)
                let outside = try await verify(#"{"key":"\#(office)","ip":"198.51.100.1"}"#)
                #expect(outside.object["code"] as? String == "IP_NOT_ALLOWED" && outside.object["valid"] as? Bool == false)
                #expect((outside.object["key"] as? [String: Any])?["prefix"] as? String == String(office.prefix(12)))
                #expect(try await verify(#"{"key":"\#(office)","ip":"2001:db8::7"}"#).object["code"] as? String == "VALID")
                #expect(try await verify(#"{"key":"\#(office)"}"#).object["code"] as? String == "VALID", "no address, no check")
                for bad in [#""ip":"203.0.113.0/24""#, #""ip":"nonsense""#, #""ip":42"#, #""ip":["1.2.3.4"]"#] {
                    #expect(try await verify(#"{"key":"\#(office)",\#(bad)}"#).status == .badRequest, "\(bad)")
                }

                func evaluate(_ context: String) async throws -> Reply {
                    try await client.send("/access/v1/evaluation", method: .post, key: service, body: """
                        {"subject":{"type":"api_key","id":"\(office)"},"action":{"name":"survey.list"},"resource":{"type":"survey"}\(context)}
                        """)
                }
                #expect(try await evaluate(#","context":{"ip":"203.0.113.1"}"#).object["decision"] as? Bool == true)
                #expect(try await evaluate("").object["decision"] as? Bool == true)
                let denied = try await evaluate(#","context":{"ip":"198.51.100.1"}"#)
                #expect(denied.object["decision"] as? Bool == false)
                #expect((denied.object["context"] as? [String: Any])?["code"] as? String == "IP_NOT_ALLOWED")
                #expect(try await evaluate(#","context":{"ip":"not an address"}"#).status == .badRequest)

                // In a batch each item is judged from its own address (or the default's).
                let batch = try await client.send("/access/v1/evaluations", method: .post, key: service, body: """
                    {"subject":{"type":"api_key","id":"\(office)"},"action":{"name":"survey.list"},"resource":{"type":"survey"},
                     "context":{"ip":"198.51.100.1"},
                     "evaluations":[{}, {"context":{"ip":"203.0.113.5"}}, {"context":{}}, {"context":{"ip":"2001:db8::1"}}]}
                    """)
                let decisions = (batch.object["evaluations"] as? [[String: Any]])?.map { $0["decision"] as? Bool }
                #expect(decisions == [false, true, false, true])
            }
        }
    }
}
