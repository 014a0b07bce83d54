import Hummingbird

/// The router plugins register on: Hummingbird's `RouterMethods` (`get`, `post`, `group`, …)
/// forwarding to the application's router, recording every path and method so the server can
/// answer a known path with a wrong method by 405 and `Allow`.
///
/// Use `group(_:)` for middleware that concerns one plugin; ``add(middleware:)`` applies to
/// every route registered after it, in every plugin — and only to routes: the router matches
/// first, so an unknown path (404) or a known path with another method (405) is answered
/// before any of it runs (SPEC §3, routing before credentials).
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
    public private(set) var operations: [String: [String: OpenAPIFragment]] = [:]

    /// The routes registered after the first ``add(middleware:)`` go through this group.
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

    /// Records the OpenAPI operation of the route `method path` (registered beside it).
    @discardableResult
    public func document(_ method: HTTPRequest.Method, _ path: String, _ operation: OpenAPIFragment) -> Self {
        operations[path, default: [:]][method.rawValue.lowercased()] = operation
        return self
    }

    /// `GET path`, documented by `operation`.
    @discardableResult
    public func get(
        _ path: String, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(.get, path, operation).on(RouterPath(path), method: .get, use: handler)
    }

    /// `POST path`, documented by `operation`.
    @discardableResult
    public func post(
        _ path: String, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(.post, path, operation).on(RouterPath(path), method: .post, use: handler)
    }

    /// `PUT path`, documented by `operation`.
    @discardableResult
    public func put(
        _ path: String, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(.put, path, operation).on(RouterPath(path), method: .put, use: handler)
    }

    /// `PATCH path`, documented by `operation`.
    @discardableResult
    public func patch(
        _ path: String, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(.patch, path, operation).on(RouterPath(path), method: .patch, use: handler)
    }

    /// `DELETE path`, documented by `operation`.
    @discardableResult
    public func delete(
        _ path: String, documented operation: OpenAPIFragment,
        use handler: @escaping @Sendable (Request, Context) async throws -> some ResponseGenerator
    ) -> Self {
        document(.delete, path, operation).on(RouterPath(path), method: .delete, use: handler)
    }

    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        scope = (scope ?? router.group()).add(middleware: middleware)
        return self
    }
}
