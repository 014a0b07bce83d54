import Hummingbird
import JSON

/// The router plugins register on: Hummingbird's `RouterMethods` (`get`, `post`, `group`, …)
/// forwarding to the application's router, recording every path and method so the server can
/// answer a known path with a wrong method by 405 and `Allow`.
///
/// Use `group(_:)` for middleware that concerns one plugin; ``area(_:documented:_:)`` mounts an
/// area of the API (the resources, say) behind its middleware stack, written where the area is
/// mounted. Middleware applies to routes only: the router matches first, so an unknown path
/// (404) or a known path with another method (405) is answered before any of it runs (SPEC §3,
/// routing before credentials).
public final class PluginRoutes<Context: PluginRequestContext>: RouterMethods {
    /// A path and the methods registered on it.
    public struct Entry {
        public var path: RouterPath
        public var methods: [HTTPRequest.Method]
    }

    /// The underlying router.
    public let router: Router<Context>
    /// Every path registered so far with its methods, in registration order.
    public private(set) var entries: [Entry] = []
    /// The OpenAPI operation of each documented route: path → lower-case method → operation.
    public private(set) var operations: [String: [String: JSONValue]] = [:]
    /// What every operation documented from now on says unless it says otherwise (see
    /// ``documentEveryRoute(with:)``).
    private var operationDefaults: [String: JSONValue] = [:]

    /// The group the routes of the current ``area(_:documented:_:)`` go through.
    private var scope: RouterGroup<Context>?

    public init(router: Router<Context>) {
        self.router = router
    }

    @discardableResult
    public func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        if let scope {
            scope.on(path, method: method, responder: responder)
        } else {
            router.on(path, method: method, responder: responder)
        }
        let key = path.description
        if let index = entries.firstIndex(where: { $0.path.description == key }) {
            entries[index].methods.append(method)
        } else {
            entries.append(Entry(path: path, methods: [method]))
        }
        return self
    }

    /// Records the OpenAPI operation of the route `method path` (registered beside it), with the
    /// defaults in force: a response status or member the operation does not give.
    @discardableResult
    public func document(_ method: HTTPRequest.Method, _ path: String, _ operation: OpenAPIFragment) -> Self {
        var members = operation.members
        for (name, value) in operationDefaults {
            switch (members[name], value) {
            case (.object(var given)?, .object(let standard)):
                for (status, response) in standard where given[status] == nil { given[status] = response }
                members[name] = .object(given)
            case (nil, _):
                members[name] = value
            default:
                break
            }
        }
        operations[path, default: [:]][method.rawValue.lowercased()] = .object(members)
        return self
    }

    /// From now on, every documented operation also says what `defaults` says, where it says
    /// nothing itself (`responses` merged by status): what an area's middleware does to every
    /// route — credentials (`security`, 401, 403), throttling (429) — is written once, where that
    /// middleware is mounted.
    @discardableResult
    public func documentEveryRoute(with defaults: OpenAPIFragment) -> Self {
        for (name, value) in defaults.members {
            switch (operationDefaults[name], value) {
            case (.object(var current)?, .object(let added)):
                current.merge(added) { _, new in new }
                operationDefaults[name] = .object(current)
            default:
                operationDefaults[name] = value
            }
        }
        return self
    }

    /// `method path`, documented by `operation`: the route and its place in the OpenAPI
    /// document are registered together, e.g.
    /// `routes.on("/api/surveys/", method: .get, documented: SurveysPlugin.openAPI.operation("listSurveys")) { … }`.
    @discardableResult
    public func on(
        _ path: String, method: HTTPRequest.Method, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(method, path, operation).on(RouterPath(path), method: method, use: handler)
    }

    /// `RouterMethods`' way: `middleware` applies to every route registered after it. The server
    /// mounts areas with ``area(_:documented:_:)`` instead, so each stack is seen where it applies.
    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        scope = (scope ?? router.group()).add(middleware: middleware)
        return self
    }

    /// Registers the routes `body` adds behind `middleware` (in order), and only those; their
    /// operations also say what `defaults` says (see ``documentEveryRoute(with:)``).
    public func area(
        _ middleware: [any MiddlewareProtocol<Request, Response, Context>],
        documented defaults: OpenAPIFragment? = nil,
        _ body: (PluginRoutes) -> Void
    ) {
        let (outerScope, outerDefaults) = (scope, operationDefaults)
        defer { (scope, operationDefaults) = (outerScope, outerDefaults) }
        var group = outerScope ?? router.group()
        for layer in middleware { group = group.add(middleware: layer) }
        scope = group
        if let defaults { documentEveryRoute(with: defaults) }
        body(self)
    }
}
