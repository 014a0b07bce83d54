import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Server
import ServerTestSupport
import Testing

extension TenantIsolationTests {
    /// The gateway check (SPEC §16) with a rule naming each organisation's objects
    /// (`/tenants/{organisation}/*`): every key asks about every organisation's area, and passes
    /// only for its own (a fine-grained key names no type there: refused everywhere; a revoked
    /// one nowhere); a key of a former member passes nowhere. Returns the number of checks made.
    static func gatewayChecks(_ world: ServerWorld, _ place: Placement, seed: UInt64) async throws -> Int {
        let routes = try GatewayRoutes(json: Array(#"[{"path":"/tenants/{organisation}/*","permission":"view"}]"#.utf8))
        return try await world.client(settings: APISettings(gatewayRoutes: routes)) { (client: any TestClientProtocol) async throws in
            func check(_ key: String, _ slug: String) async throws -> Reply {
                try await client.send("/v1/gateway/check", key: key, headers: [
                    GatewayHeaders.originalMethod: "GET", GatewayHeaders.originalURI: "/tenants/\(slug)/orders/1",
                ])
            }
            var checks = 0
            for (key, home, permissions) in place.keys {
                // The leak reports revoked one key.
                let valid = try await world.dependencies.vault.verify(key).status == .valid
                for (organisation, index) in place.organisationIndex {
                    let reply = try await check(key, "o\(index)")
                    let passes = valid && organisation == home && permissions == nil
                    #expect((reply.status == .ok) == passes, "seed \(seed): a key of \(home) asking about o\(index): \(reply.status) \(reply.text.prefix(120))")
                    if reply.status == .ok { #expect(reply.headers[GatewayHeaders.organisation] == "o\(index)") }
                    checks += 1
                }
                let nowhere = try await check(key, "no-such-org").status
                #expect(nowhere == .forbidden || !valid && nowhere == .unauthorized, "seed \(seed): no organisation: \(nowhere)")
                checks += 1
            }
            for key in place.formerMembers {
                for index in place.organisationIndex.values {
                    #expect(try await check(key, "o\(index)").status == .unauthorized, "seed \(seed): a former member's key passed o\(index)")
                    checks += 1
                }
            }
            return checks
        }
    }
}
