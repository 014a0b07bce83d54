import Dispatch
import Hummingbird
import Metrics
import NIOConcurrencyHelpers

/// Counts and times every request by route template (never the raw path), method and status
/// (SPEC §12), under OpenTelemetry's names: `hb.requests` and `http.server.request.duration`
/// with `http.route`, `http.request.method`, `http.response.status_code`.
///
/// Hummingbird's own `MetricsMiddleware` records after the body is written, through a
/// post-write closure that takes the response off the server's one-write fast path: measured
/// 19% fewer list requests per second with it. This records when the handler returns, with
/// one lock and no allocation per request once a route's metrics exist.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics = RouteMetrics()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            metrics.record(route: context.endpointPath, method: request.method, status: response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.record(route: context.endpointPath, method: request.method, status: status, since: start)
            throw error
        }
    }
}

/// The counter and timer of each route, method and status seen, made on first use.
final class RouteMetrics: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    private struct Pair {
        let requests: Counter
        let duration: Timer
    }

    private let pairs = NIOLockedValueBox<[Key: Pair]>([:])

    func record(route: String?, method: HTTPRequest.Method, status: HTTPResponse.Status, since start: UInt64) {
        let key = Key(route: route ?? "NotFound", method: method, status: status.code)
        let pair = pairs.withLockedValue { pairs in
            if let pair = pairs[key] { return pair }
            let dimensions = [("http.route", key.route), ("http.request.method", method.rawValue), ("http.response.status_code", String(key.status))]
            let pair = Pair(requests: Counter(label: "hb.requests", dimensions: dimensions),
                            duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            pairs[key] = pair
            return pair
        }
        pair.requests.increment()
        pair.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
    }
}
