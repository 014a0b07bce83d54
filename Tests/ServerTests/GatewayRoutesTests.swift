import Foundation
@testable import Server
import Testing

/// The rules file of the gateway check (SPEC §16): read and checked at start-up, refused by name
/// when malformed; matched in order against normalised paths.
@Suite struct GatewayRoutesTests {
    /// A routes file holding `text`, for `body`.
    static func withFile<T>(_ text: String, _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    @Test func aGoodFileIsReadAtStartUp() throws {
        let text = #"[{"methods":["GET"],"path":"/orders/*","permission":"orders:view"},{"path":"/health","permission":"public"}]"#
        let configuration = try Self.withFile(text) { path in try Configuration(environment: ["LATCHKEY_GATEWAY_ROUTES": path]) }
        #expect(configuration.gatewayRoutes.rules.count == 2)
        #expect(configuration.api.gatewayRoutes == configuration.gatewayRoutes)
        #expect(configuration.gatewayRoutes.rules[0].permission == .typed("orders", .view))
        #expect(configuration.gatewayRoutes.rules[1].permission == .public && configuration.gatewayRoutes.rules[1].methods.isEmpty)
        #expect(try Configuration(environment: [:]).gatewayRoutes == .defaults)
    }

    @Test func aBadFileIsRefusedNamingTheVariableAndTheProblem() throws {
        let cases: [(String, String)] = [
            ("{", "not JSON"),
            (#"{"path":"/x","permission":"view"}"#, "JSON array"),
            (#"[{"path":"/x"}]"#, "rule 1: 'permission'"),
            (#"[{"path":"/x","permission":"view"},{"path":"x","permission":"view"}]"#, "rule 2: 'path'"),
            (#"[{"path":"/a/../b","permission":"view"}]"#, "'path'"),
            (#"[{"path":"/a*","permission":"view"}]"#, "'path'"),
            (#"[{"path":"/{organisation}/{organisation}","permission":"view"}]"#, "'path'"),
            (#"[{"path":"/x","permission":"orders:read"}]"#, "'permission'"),
            (#"[{"path":"/x","permission":"a:b:view"}]"#, "'permission'"),
            (#"[{"path":"/x","permission":"view","methods":[]}]"#, "'methods'"),
            (#"[{"path":"/x","permission":"view","methods":["TRACE"]}]"#, "'methods'"),
            (#"[{"path":"/x","permission":"view","method":["GET"]}]"#, "unknown field 'method'"),
            (#"[1]"#, "rule 1: must be an object"),
        ]
        for (text, problem) in cases {
            let refusal = try Self.withFile(text) { path in
                Result { try Configuration(environment: ["LATCHKEY_GATEWAY_ROUTES": path]) }
            }
            guard case .failure(let error) = refusal else {
                Issue.record("\(text) was accepted")
                continue
            }
            let message = "\(error)"
            #expect(message.hasPrefix("LATCHKEY_GATEWAY_ROUTES") && message.contains(problem), "\(text): \(message)")
        }
        let missing = Result { try Configuration(environment: ["LATCHKEY_GATEWAY_ROUTES": "/nonexistent/routes.json"]) }
        guard case .failure(let error) = missing else { Issue.record("a missing file was accepted"); return }
        #expect("\(error)".contains("LATCHKEY_GATEWAY_ROUTES: cannot read"))
    }

    @Test func theFirstMatchingRuleWinsElseTheMethodsVerb() throws {
        let routes = try GatewayRoutes(json: Array("""
            [{"methods":["GET"],"path":"/orders/*","permission":"orders:view"},
             {"path":"/orders/*","permission":"orders:edit"},
             {"path":"/docs","permission":"public"},
             {"path":"/t/{organisation}/*/x","permission":"view"}]
            """.utf8))
        func needs(_ method: GatewayMethod, _ uri: String) -> GatewayPermission? {
            GatewayPath.normalise(uri).map { routes.requirement(method, $0).permission }
        }
        #expect(needs(.get, "/orders/1") == .typed("orders", .view))
        #expect(needs(.delete, "/orders/1") == .typed("orders", .edit))
        #expect(needs(.get, "/orders") == .verb(.view), "a final * needs a segment")
        #expect(needs(.post, "/orders") == .verb(.add))
        #expect(needs(.put, "/o") == .verb(.edit) && needs(.patch, "/o") == .verb(.edit) && needs(.delete, "/o") == .verb(.delete))
        #expect(needs(.head, "/o") == .verb(.view) && needs(.options, "/o") == .verb(.view))
        #expect(needs(.post, "/docs") == .public && needs(.get, "/docs/") == .public && needs(.get, "//docs?x=1") == .public)
        #expect(needs(.get, "/docs/more") == .verb(.view))
        let tenant = routes.requirement(.get, GatewayPath.normalise("/t/acme/any/x")!)
        #expect(tenant.permission == .verb(.view) && tenant.organisation == "acme")
        #expect(routes.requirement(.get, GatewayPath.normalise("/t/acme/any/y")!).organisation == nil)
    }

    @Test func pathsAreNormalisedAsAnUpstreamWouldRouteThem() {
        #expect(GatewayPath.normalise("/a/b?c=/d") == "/a/b")
        #expect(GatewayPath.normalise("/a//b/./c/") == "/a/b/c")
        #expect(GatewayPath.normalise("/a/x/../b") == "/a/b")
        #expect(GatewayPath.normalise("/a/%2E%2e/b") == "/b")
        #expect(GatewayPath.normalise("/a%2Fb") == "/a/b")
        #expect(GatewayPath.normalise("/") == "/")
        for bad in ["", "a/b", "/..", "/a/../..", "/%", "/%4", "/%zz", "/%00", "/a%0d%0a", "/%ff", "*"] {
            #expect(GatewayPath.normalise(bad) == nil, "\(bad)")
        }
    }
}
