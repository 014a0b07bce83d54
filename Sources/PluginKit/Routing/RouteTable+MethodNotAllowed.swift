import Hummingbird
import NIOConcurrencyHelpers

extension RouteTable {
    /// The methods a path may be asked with; those not registered answer 405.
    static var standardMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options, .trace] }

    /// Every recorded path, in registration order, with the methods it answers: those
    /// registered, `HEAD` wherever `GET` is, and `OPTIONS` — in the order of ``standardMethods``.
    var allowedMethods: [(path: RouterPath, registered: [HTTPRequest.Method], allowed: [HTTPRequest.Method])] {
        var paths: [(path: RouterPath, registered: [HTTPRequest.Method])] = []
        for record in records {
            let path = record.routerPath
            if let index = paths.firstIndex(where: { $0.path.description == path.description }) {
                paths[index].registered.append(record.method)
            } else {
                paths.append((path, [record.method]))
            }
        }
        return paths.map { path, registered in
            var allowed = registered
            if allowed.contains(.get), !allowed.contains(.head) { allowed.append(.head) }
            if !allowed.contains(.options) { allowed.append(.options) }
            return (path, registered, Self.standardMethods.filter(allowed.contains))
        }
    }

    /// Registers, for every recorded path, 405 with `Allow` for each standard method it lacks,
    /// and `OPTIONS` → 204 with `Allow`. Call once, after every route is registered.
    ///
    /// `HEAD` counts as registered wherever `GET` is: the router answers it from `GET`.
    public func registerMethodFallbacks() {
        for (path, registered, allow) in allowedMethods {
            for method in Self.standardMethods where !allow.contains(method) {
                router.on(path, method: method) { request, _ -> Response in
                    throw APIError.methodNotAllowed(request.method, allowed: allow)
                }
            }
            if !registered.contains(.options) {
                router.on(path, method: .options) { _, _ -> Response in
                    Response(status: .noContent, headers: [.allow: allow.map(\.rawValue).joined(separator: ", ")])
                }
            }
        }
    }
}

/// The paths the router serves and the methods each allows, for requests whose method no route
/// knows (`QUERY`, `PROPFIND`, …): the router can only say 404 for those, but on a known path
/// SPEC §3 wants 405 with `Allow`. Filled once the router is complete.
public final class KnownPaths: Sendable {
    private let table = NIOLockedValueBox<[(segments: [Substring], allowed: [HTTPRequest.Method])]>([])

    public init() {}

    /// Records every path of `tables` with its allowed methods (as the 405 fallbacks list them).
    public func record<Context>(_ tables: RouteTable<Context>...) {
        let rows = tables.flatMap(\.allowedMethods).map { entry in
            (segments: entry.path.description.split(separator: "/"), allowed: entry.allowed)
        }
        table.withLockedValue { $0 = rows }
    }

    /// The methods `path` allows, or `nil` when no route has it (`{name}` matches one segment).
    func allowed(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        return table.withLockedValue { rows in
            rows.first { row in
                row.segments.count == segments.count
                    && zip(row.segments, segments).allSatisfy { pattern, segment in
                        RouteRecord.isCapture(pattern) || pattern == segment
                    }
            }?.allowed
        }
    }
}

/// Answers a method no route knows on a known path with 405 and `Allow` (SPEC §3), where the
/// router says 404. Router-level, so it sees the router's not-found answer.
public struct UnknownMethodMiddleware<Context: RequestContext>: RouterMiddleware {
    let known: KnownPaths

    public init(known: KnownPaths) {
        self.known = known
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = known.allowed(for: request.uri.path) else { throw error }
            throw APIError.methodNotAllowed(request.method, allowed: allowed)
        }
    }
}
