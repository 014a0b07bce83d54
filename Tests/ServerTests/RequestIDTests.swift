import Foundation
import Hummingbird
import HummingbirdTesting
import ServerTestSupport
import Testing

/// `X-Request-ID` on every answer (a sane one the client sent, else one made here), the AuthZEN
/// metadata's endpoints and its per-tenant document.
@Suite struct RequestIDTests {
    static let header = HTTPFields.Element.Name("X-Request-ID")!

    @Test func everyAnswerCarriesTheRequestID() async throws {
        try await ServerWorld.with { world in
            try await world.client { client in
                for sane in ["trace-42.a_b:c", "dGVzdA+/w==", "req 17; retry=2", String(repeating: "x", count: 200)] {
                    let reply = try await client.send("/api/health", headers: [Self.header: sane])
                    #expect(reply.headers[Self.header] == sane)
                }
                for insane in [String(repeating: "x", count: 201), "caf\u{e9}", "tab\there"] {
                    let reply = try await client.send("/api/surveys/", headers: [Self.header: insane])
                    let id = reply.headers[Self.header] ?? ""
                    #expect(reply.status == .unauthorized && !id.isEmpty && id != insane)
                }
                let a = try await client.send("/nope").headers[Self.header], b = try await client.send("/nope").headers[Self.header]
                #expect(a != nil && b != nil && a != b, "each request gets its own")
            }
        }
    }

    @Test func metadataListsTheEndpointsAndEachTenantHasItsOwn() async throws {
        try await ServerWorld.with { world in
            try await world.organisation("acme")
            try await world.client(settings: .init(publicURL: "https://pdp.example.com")) { client in
                let root = try await client.send("/.well-known/authzen-configuration").object
                #expect(root["policy_decision_point"] as? String == "https://pdp.example.com")
                for name in ["evaluation", "evaluations"] {
                    #expect(root["access_\(name)_endpoint"] as? String == "https://pdp.example.com/access/v1/\(name)")
                }
                for name in ["subject", "resource", "action"] {
                    #expect(root["search_\(name)_endpoint"] as? String == "https://pdp.example.com/access/v1/search/\(name)")
                }
                #expect(root.count == 6, "all five endpoints and the decision point")
                let tenant = try await client.send("/.well-known/authzen-configuration/acme")
                #expect(tenant.status == .ok && tenant.object["policy_decision_point"] as? String == "https://pdp.example.com/acme")
                #expect(try await client.send("/.well-known/authzen-configuration/globex").status == .notFound)
            }
        }
    }
}
