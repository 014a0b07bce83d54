import Hummingbird
import PluginKit

extension PluginRoutes {
    /// The methods a path may be asked with; those not registered answer 405.
    static var standardMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options, .trace] }

    /// Registers, for every recorded path, 405 with `Allow` for each standard method it lacks,
    /// and `OPTIONS` → 204 with `Allow`. Call once, after every route is registered.
    ///
    /// `HEAD` counts as registered wherever `GET` is: the router answers it from `GET`.
    func registerMethodFallbacks() {
        for entry in entries {
            var allowed = entry.methods
            if allowed.contains(.get), !allowed.contains(.head) { allowed.append(.head) }
            if !allowed.contains(.options) { allowed.append(.options) }
            let allow = Self.standardMethods.filter(allowed.contains)
            for method in Self.standardMethods where !allowed.contains(method) {
                router.on(entry.path, method: method) { request, _ -> Response in
                    throw APIError.methodNotAllowed(request.method, allowed: allow)
                }
            }
            if !entry.methods.contains(.options) {
                router.on(entry.path, method: .options) { _, _ -> Response in
                    Response(status: .noContent, headers: [.allow: allow.map(\.rawValue).joined(separator: ", ")])
                }
            }
        }
    }
}
