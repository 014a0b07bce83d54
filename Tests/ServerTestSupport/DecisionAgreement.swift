import Foundation
import Hummingbird
import HummingbirdTesting
import PluginKit
import Testing

/// The resource API and the decision API must never disagree (SPEC §6).
///
/// Every resource-API request a server test sends with a key is replayed here as an AuthZEN
/// evaluation for the same key, action and object: a 2xx must be `decision: true`; a 401, 403
/// or 404 must be `false`, and a 403 carrying a decision code must carry the same code. Reads
/// are replayed after the request; writes (`POST` as `*.create` with the body as the resource's
/// `properties`, `PUT`/`PATCH` as `*.update`, `DELETE`) are asked before it, since the write
/// changes the object. Answers that are no policy question (400, 405, 413, 429) are not compared.
public enum DecisionAgreement {
    /// The service credential of the current test client, set by `ServerWorld.client`.
    @TaskLocal public static var service: String?
    /// Set around requests that ask the resource API a second question the decision API cannot
    /// see (a write that also moves the object: may the caller create it where the body puts it?).
    @TaskLocal public static var exempt = false

    /// The routes of the router under test (set by `ServerWorld.client`): each states the action
    /// it performs, so every plugin's routes are compared, a plugin of a test's included.
    @TaskLocal public static var routes: [RouteRecord] = []

    /// The AuthZEN action and resource a resource-API request amounts to — the action its route
    /// states, on the object its path names — or `nil` when it is not a policy question (public
    /// endpoints, sessions, the caller's own key, an unknown route or method).
    public static func question(method: HTTPRequest.Method, uri: String) -> (action: String, type: String, id: String?)? {
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        guard let (route, parameters) = routes.route(method, path), let action = route.access.action else { return nil }
        let id = route.access.objectParameter.flatMap { parameters[$0] }.map { $0.removingPercentEncoding ?? $0 }
        return (action.description, action.resource.rawValue, id)
    }

    /// Whether `method` changes the object, so it is judged before the request.
    public static func isWrite(_ method: HTTPRequest.Method) -> Bool { method == .post || method == .put || method == .patch || method == .delete }

    /// The decision API's answer to the question `method uri` amounts to, for `key`.
    public static func evaluate(
        method: HTTPRequest.Method, uri: String, key: String?, body: String? = nil, client: some TestClientProtocol
    ) async throws -> Reply? {
        guard let service, let key, !exempt, let question = question(method: method, uri: uri) else { return nil }
        var resource: [String: Any] = ["type": question.type]
        if let id = question.id { resource["id"] = id }
        if method == .post {
            // A create's body is the new object's properties; one that is not an object is a 400,
            // one beyond the evaluation endpoint's 64 kB a 413.
            guard let body, body.utf8.count < 60_000 else { return nil }
            guard let properties = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else { return nil }
            resource["properties"] = properties
        }
        let request: [String: Any] = [
            "subject": ["type": "api_key", "id": key], "action": ["name": question.action], "resource": resource,
        ]
        let body = try JSONSerialization.data(withJSONObject: request)
        let evaluation = try await client.execute(
            uri: "/access/v1/evaluation", method: .post,
            headers: [.authorization: "Bearer \(service)", .contentType: "application/json"],
            body: ByteBuffer(bytes: body)
        ) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
        #expect(evaluation.status == .ok, "evaluation for \(method) \(uri): \(evaluation.text)")
        return evaluation
    }

    /// Whether `reply` answers a policy question (not 400, 405, 413, 429, 503…).
    public static func isPolicyAnswer(_ reply: Reply) -> Bool { [200, 201, 204, 401, 403, 404].contains(reply.status.code) }

    /// Compares the resource API's `reply` with the decision API's `evaluation`.
    public static func compare(_ reply: Reply, _ evaluation: Reply, method: HTTPRequest.Method, uri: String) {
        let decision = evaluation.object["decision"] as? Bool
        let code = (evaluation.object["context"] as? [String: Any])?["code"] as? String
        let expected = reply.status.code < 300
        #expect(decision == expected, "\(method) \(uri) answered \(reply.status.code) \(reply.text.prefix(120)); the decision API said \(evaluation.text)")
        if reply.status == .forbidden, let resourceCode = reply.object["code"] as? String {
            #expect(code == resourceCode, "\(method) \(uri): resource API \(resourceCode), decision API \(code ?? "none")")
        }
    }
}
