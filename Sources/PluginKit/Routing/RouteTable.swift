import Hummingbird
import JSON

/// Every route the service serves, registered on Hummingbird's router and recorded as one
/// ``RouteRecord`` each: path, method, what it does (``RouteAccess``) and its OpenAPI operation.
///
/// The record is what the rest reads: the 405 answers and `Allow` (``registerMethodFallbacks()``),
/// the assembled OpenAPI document (``operations``), and the tests that ask the decision API the
/// question each request amounts to or walk every resource route. A path capturing `{id}` is
/// given the object-id shape check here, at registration (``ObjectIDShapeMiddleware``).
///
/// ``area(_:documented:_:)`` mounts an area of the API (the resources, say) behind its middleware
/// stack, written where the area is mounted; a route's own middleware (its throttle) is given
/// with it. Middleware applies to routes only: the router matches first, so an unknown path (404)
/// or a known path with another method (405) is answered before any of it runs (SPEC §3,
/// routing before credentials).
public final class RouteTable<Context: PluginRequestContext> {
    /// The underlying router.
    public let router: Router<Context>
    /// Every route registered so far, in registration order.
    public private(set) var records: [RouteRecord] = []
    /// What every operation documented from now on says unless it says otherwise (see
    /// ``documentEveryRoute(with:)``).
    private var operationDefaults: [String: JSONValue] = [:]
    /// The middleware of the current ``area(_:documented:_:)``, outermost first.
    private var areaMiddleware: [any MiddlewareProtocol<Request, Response, Context>] = []

    public init(router: Router<Context>) {
        self.router = router
    }

    /// Registers `method path`, stating what it does and its OpenAPI operation, e.g.
    /// `routes.on("/api/surveys/{id}/", method: .get, .action(.surveyRetrieve, object: "id"), documented: …) { … }`.
    ///
    /// The request passes the `{id}` shape check (when the path captures `{id}`), the area's
    /// middleware, then `middleware` (this route's own), then `handler`.
    @discardableResult
    public func on(
        _ path: String, method: HTTPRequest.Method, _ access: RouteAccess, documented operation: OpenAPIFragment? = nil,
        through middleware: [any MiddlewareProtocol<Request, Response, Context>] = [],
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        let record = RouteRecord(path: path, method: method, access: access, operation: operation.map(documented))
        let stack = (record.captures("id") ? [ObjectIDShapeMiddleware<Context>()] : []) + areaMiddleware + middleware
        if stack.isEmpty {
            router.on(record.routerPath, method: method, use: handler)
        } else {
            let group = router.group()
            for layer in stack { group.add(middleware: layer) }
            group.on(record.routerPath, method: method, use: handler)
        }
        records.append(record)
        return self
    }

    /// `operation` with the defaults in force: a response status or member it does not give.
    private func documented(_ operation: OpenAPIFragment) -> JSONValue {
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
        return .object(members)
    }

    /// The OpenAPI operation of each documented route: path → lower-case method → operation.
    public var operations: [String: [String: JSONValue]] {
        var operations: [String: [String: JSONValue]] = [:]
        for record in records {
            guard let operation = record.operation else { continue }
            operations[record.path, default: [:]][record.method.rawValue.lowercased()] = operation
        }
        return operations
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

    /// Registers the routes `body` adds behind `middleware` (in order), and only those; their
    /// operations also say what `defaults` says (see ``documentEveryRoute(with:)``).
    public func area(
        _ middleware: [any MiddlewareProtocol<Request, Response, Context>],
        documented defaults: OpenAPIFragment? = nil,
        _ body: (RouteTable) -> Void
    ) {
        let (outerMiddleware, outerDefaults) = (areaMiddleware, operationDefaults)
        defer { (areaMiddleware, operationDefaults) = (outerMiddleware, outerDefaults) }
        areaMiddleware += middleware
        if let defaults { documentEveryRoute(with: defaults) }
        body(self)
    }
}
