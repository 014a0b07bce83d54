import Hummingbird
import PluginKit
import Postgres

/// `GET /api/health` (liveness: the process answers and the database does) and `GET
/// /api/ready` (readiness: also not draining, and the change listener connected; SPEC §12).
struct HealthController: Sendable {
    let pool: PGPool
    let readiness: Readiness

    func register<Context: PluginRequestContext>(on routes: RouteTable<Context>) {
        routes.on("/api/health", method: .get, .public, documented: CoreOpenAPI.operation("health")) { _, _ in try await check() }
        routes.on("/api/ready", method: .get, .public, documented: CoreOpenAPI.operation("ready")) { _, _ in
            guard let problem = readiness.problem else { return try await check() }
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"unavailable","reason":"\#(problem)"}"#)))
        }
    }

    func check() async throws -> Response {
        let healthy = (try? await pool.query("SELECT 1")) != nil
        let body = healthy ? #"{"status":"ok"}"# : #"{"status":"unavailable"}"#
        return Response(
            status: healthy ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
