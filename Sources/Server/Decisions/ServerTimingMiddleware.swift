import Dispatch
import Hummingbird

/// `Server-Timing: app;dur=0.812` (W3C Server Timing) on the decision API's answers: the
/// milliseconds from the request reaching the decision API's routes to its answer being ready,
/// with reading and parsing the body, and checking the service credential. Services can watch
/// what their questions cost, and the benchmark reports it as the server time of a batch.
struct ServerTimingMiddleware: RouterMiddleware {
    typealias Context = LatchkeyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var response = try await next(request, context)
        let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1_000
        let fraction = String(micros % 1_000)
        response.headers[HeaderName.serverTiming] = "app;dur=\(micros / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
        return response
    }
}
