import Hummingbird
import PluginKit
import Postgres

/// `GET /api/health`: reports whether the database answers.
struct HealthController: Sendable {
    let pool: PGPool

    func register<Context: PluginRequestContext>(on routes: PluginRoutes<Context>) {
        routes.on("/api/health", method: .get, documented: CoreOpenAPI.operation("health")) { _, _ in try await check() }
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
