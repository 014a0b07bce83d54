import Hummingbird
import Logging
import PluginKit
import Policy
import Postgres
import ServiceLifecycle
import Vault

/// Settings for the HTTP service.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Whether decisions of the decision API are logged (`LATCHKEY_DECISION_LOG`).
    public var logDecisions: Bool
    /// The base URL the AuthZEN configuration advertises (`LATCHKEY_PUBLIC_URL`); default: the
    /// request's host.
    public var publicURL: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, logDecisions: Bool = true, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.logDecisions = logDecisions
        self.publicURL = publicURL
    }
}

/// What the decision API needs beyond the plugin dependencies.
public struct DecisionAPIOptions: Sendable {
    public var log: DecisionLog
    public var publicURL: String?

    public init(log: DecisionLog = DecisionLog(enabled: false), publicURL: String? = nil) {
        self.log = log
        self.publicURL = publicURL
    }
}

/// Builds the Latchkey HTTP application over an open connection pool, mounting `plugins`.
///
/// The application runs the pool, the vault's cache invalidator and its usage flusher as
/// services; on SIGTERM/SIGINT the server stops accepting, lets in-flight requests finish, then
/// the services stop in reverse order (the pool last).
public func buildApplication(
    settings: ServerSettings,
    pool: PGPool,
    plugins: [any ResourcePlugin],
    logger: Logger
) -> some ApplicationProtocol {
    let engine = PolicyEngine(plugins: plugins)
    let vault = Vault(pool: pool, engine: engine, logger: logger)
    let dependencies = PluginDependencies(pool: pool, vault: vault, engine: engine, logger: logger)
    let decisions = DecisionAPIOptions(log: DecisionLog(enabled: settings.logDecisions), publicURL: settings.publicURL)
    var services: [any Service] = [
        pool,
        VaultInvalidator(vault: vault, configuration: pool.configuration, logger: logger),
        UsageFlusher(vault: vault, logger: logger),
    ]
    if settings.logDecisions {
        services.append(DecisionLogWriter(log: decisions.log, logger: Logger(label: "latchkey.decisions")))
    }
    return Application(
        router: buildRouter(dependencies: dependencies, plugins: plugins, decisions: decisions),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        services: services,
        logger: logger
    )
}

/// Builds the router: public endpoints, the decision API (service credentials), then authentication, then every plugin's routes, then
/// 405 answers for known paths asked with other methods.
public func buildRouter(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], decisions: DecisionAPIOptions = DecisionAPIOptions()
) -> Router<LatchkeyRequestContext> {
    mountRoutes(dependencies: dependencies, plugins: plugins, decisions: decisions).router
}

/// Every path the router of ``buildRouter(dependencies:plugins:)`` serves, with the methods
/// registered on it (not the `HEAD`, `OPTIONS` and 405 answers derived from them).
///
/// `SchemaTests` compares this with the OpenAPI document.
public func registeredRoutes(dependencies: PluginDependencies, plugins: [any ResourcePlugin]) -> [PluginRoutes<LatchkeyRequestContext>.Entry] {
    mountRoutes(dependencies: dependencies, plugins: plugins, decisions: DecisionAPIOptions()).entries
}

/// A new router with every route mounted, and the record of what was mounted.
private func mountRoutes(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], decisions: DecisionAPIOptions
) -> PluginRoutes<LatchkeyRequestContext> {
    let router = Router(context: LatchkeyRequestContext.self, options: [.autoGenerateHeadEndpoints])
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: JSONErrorMiddleware())
    let routes = PluginRoutes(router: router)
    HealthController(pool: dependencies.pool).register(on: routes)
    SchemaController().register(on: routes)
    let resolvers = plugins.flatMap { $0.resourceResolvers(dependencies: dependencies) } + [KeyResolver(pool: dependencies.pool)]
    DecisionController(
        vault: dependencies.vault,
        service: DecisionService(vault: dependencies.vault, engine: dependencies.engine, resolvers: resolvers, log: decisions.log),
        publicURL: decisions.publicURL
    ).register(on: routes)
    routes.add(middleware: AuthenticationMiddleware(vault: dependencies.vault))
    for plugin in plugins {
        plugin.registerRoutes(on: routes, dependencies: dependencies)
    }
    routes.registerMethodFallbacks()
    return routes
}
