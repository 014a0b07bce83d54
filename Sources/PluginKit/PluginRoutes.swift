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

    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        scope = (scope ?? router.group()).add(middleware: middleware)
        return self
    }
}
