import Hummingbird
import JSON

/// One registered route: its path, method, what it does (``RouteAccess``) and its OpenAPI
/// operation. The 405 answers, the `{id}` shape check, the OpenAPI document and the tests that
/// ask the decision API or walk every resource route all read these.
public struct RouteRecord: Sendable {
    /// The path as registered, e.g. `/api/surveys/{id}/`.
    public var path: String
    public var method: HTTPRequest.Method
    public var access: RouteAccess
    /// The operation of the API's document (with the defaults of its area); `nil` for routes
    /// outside the document (console pages).
    public var operation: JSONValue?

    /// The path as the router sees it (no trailing slash).
    public var routerPath: RouterPath { RouterPath(path) }

    /// The path's segments; `{name}` segments capture one segment each.
    var segments: [Substring] { path.split(separator: "/") }

    /// Whether `segment` is a `{name}` capture.
    static func isCapture(_ segment: Substring) -> Bool { segment.first == "{" && segment.last == "}" }

    /// Whether the path captures a parameter called `name`.
    public func captures(_ name: String) -> Bool { segments.contains { Self.isCapture($0) && $0.dropFirst().dropLast() == name } }

    /// The parameters `path` (without a query) gives this route, or `nil` when it does not match.
    public func parameters(in path: String) -> [String: String]? {
        let given = path.split(separator: "/"), own = segments
        guard given.count == own.count else { return nil }
        var parameters: [String: String] = [:]
        for (pattern, segment) in zip(own, given) {
            if Self.isCapture(pattern) {
                parameters[String(pattern.dropFirst().dropLast())] = String(segment)
            } else if pattern != segment {
                return nil
            }
        }
        return parameters
    }

    /// How many segments are literal: the router prefers `/api/datasets/available-tags/` to
    /// `/api/datasets/{key}/`.
    var literalSegments: Int { segments.filter { !Self.isCapture($0) }.count }
}

extension Array where Element == RouteRecord {
    /// The routes of the one path template `path` matches, as the router picks it (literal
    /// segments before captures), with the parameters it gives; empty when none matches.
    public func matching(path: String) -> (routes: [RouteRecord], parameters: [String: String]) {
        var best: (template: String, literals: Int, parameters: [String: String])?
        for record in self {
            guard let parameters = record.parameters(in: path) else { continue }
            if best == nil || record.literalSegments > best!.literals {
                best = (record.path, record.literalSegments, parameters)
            }
        }
        guard let best else { return ([], [:]) }
        let key = RouterPath(best.template).description
        return (filter { $0.routerPath.description == key }, best.parameters)
    }

    /// The route `method path` reaches (`HEAD` reaches `GET`), with its parameters.
    public func route(_ method: HTTPRequest.Method, _ path: String) -> (route: RouteRecord, parameters: [String: String])? {
        let (routes, parameters) = matching(path: path)
        let wanted = method == .head ? HTTPRequest.Method.get : method
        return routes.first { $0.method == wanted }.map { ($0, parameters) }
    }
}
