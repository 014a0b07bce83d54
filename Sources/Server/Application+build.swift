import Hummingbird
import Logging
import Postgres

/// Settings for the HTTP service.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the Latchkey HTTP application over an open connection pool.
public func buildApplication(settings: ServerSettings, pool: PGPool, logger: Logger) -> some ApplicationProtocol {
    let router = buildRouter(pool: pool)
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        services: [pool],
        logger: logger
    )
}

/// Builds the router: every route Latchkey serves.
public func buildRouter(pool: PGPool) -> Router<BasicRequestContext> {
    let router = Router()
    HealthController(pool: pool).register(on: router)
    return router
}
