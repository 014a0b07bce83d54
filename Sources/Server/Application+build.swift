import Accounts
import Console
import Federation
import Hummingbird
import Logging
import PluginKit
import Policy
import Postgres
import ServiceLifecycle
import Tenancy
import Vault

/// Settings for the HTTP service (SPEC §9: environment first, flags override).
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Whether plugins cache reads, dropped on `NOTIFY latchkey_data` (`LATCHKEY_READ_CACHE`).
    public var readCache: Bool
    /// What the router is built with: the decision log (`LATCHKEY_DECISION_LOG`), the public URL,
    /// throttling, CORS, trusted proxies and the session lifetime.
    public var api: APIOptions
    /// How long the instance keeps serving, not ready, after SIGTERM (`LATCHKEY_DRAIN_SECONDS`).
    public var drainPeriod: Duration = .seconds(5)
    /// The port of the Prometheus listener (`LATCHKEY_METRICS_PORT`); `nil`: no metrics.
    public var metricsPort: Int?
    /// Whether throttling counts are shared through PostgreSQL (`LATCHKEY_THROTTLE_SHARED`).
    public var sharedThrottle = true

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        readCache: Bool = true,
        api: APIOptions = APIOptions(log: DecisionLog(enabled: true), throttle: ThrottleSettings())
    ) {
        self.host = host
        self.port = port
        self.readCache = readCache
        self.api = api
    }
}

/// What the router needs beyond the plugin dependencies. The defaults suit tests: no
/// throttling, no CORS, no decision log; ``ServerSettings`` carries the configured values.
public struct APIOptions: Sendable {
    /// Where decisions of the decision API are logged, when enabled.
    public var log: DecisionLog
    /// The base URL the AuthZEN configuration advertises (`LATCHKEY_PUBLIC_URL`; `serve`
    /// defaults to its bound address); never the request's `Host`.
    public var publicURL: String?
    /// Rate limits (`LATCHKEY_THROTTLE`, `LATCHKEY_THROTTLE_ANON`, `_USER`, `_TOKEN`).
    public var throttle: ThrottleSettings
    /// Origins allowed to call the API from a browser (`CORS_ALLOWED_ORIGINS`); empty: CORS off.
    public var corsAllowedOrigins: [String]
    /// Proxies whose `X-Forwarded-For` is believed (`LATCHKEY_TRUSTED_PROXIES`).
    public var trustedProxies: [String]
    /// How long a login session lasts (`LATCHKEY_SESSION_TTL`, seconds).
    public var sessionLifetime: Duration
    /// The deployment's secret (`LATCHKEY_SECRET_KEY`): it seals TOTP secrets and MACs the
    /// console's CSRF tokens. Without it the console answers 503 and the API serves on.
    public var secretBox: SecretBox?
    /// Where SSO trusts' signing keys come from (parsed documents, fetched URLs), shared by
    /// every router of the process.
    public var jwks: JWKSSource
    /// GitHub's secret-scanning keys (`LATCHKEY_GITHUB_SCANNING_KEYS`); without them every
    /// alert is refused.
    public var githubScanningKeys: SecretScanningKeyFile?
    /// What `GET /api/ready` reports (draining, the change listener's state).
    public var readiness: Readiness
    /// Whether requests and decisions are counted through swift-metrics (`LATCHKEY_METRICS_PORT`).
    public var metrics: Bool
    /// Throttling counts shared by every instance through PostgreSQL; `nil`: per process.
    public var throttleCounts: SharedThrottleCounts?

    public init(
        log: DecisionLog = DecisionLog(enabled: false),
        publicURL: String? = nil,
        throttle: ThrottleSettings = .off,
        corsAllowedOrigins: [String] = [],
        trustedProxies: [String] = [],
        sessionLifetime: Duration = Vault.defaultSessionLifetime,
        secretBox: SecretBox? = nil,
        jwks: JWKSSource = JWKSSource(),
        githubScanningKeys: SecretScanningKeyFile? = nil,
        readiness: Readiness = Readiness(),
        metrics: Bool = false,
        throttleCounts: SharedThrottleCounts? = nil
    ) {
        self.throttleCounts = throttleCounts
        self.metrics = metrics
        self.readiness = readiness
        self.githubScanningKeys = githubScanningKeys
        self.jwks = jwks
        self.log = log
        self.publicURL = publicURL
        self.throttle = throttle
        self.corsAllowedOrigins = corsAllowedOrigins
        self.trustedProxies = trustedProxies
        self.sessionLifetime = sessionLifetime
        self.secretBox = secretBox
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
    let tableChanges = settings.readCache ? TableChanges() : nil
    let dependencies = PluginDependencies(pool: pool, vault: vault, engine: engine, logger: logger, tableChanges: tableChanges)
    let invalidator = VaultInvalidator(vault: vault, configuration: pool.configuration, tableChanges: tableChanges, logger: logger)
    settings.api.readiness.watch { invalidator.isConnected }
    var services: [any Service] = [
        pool,
        invalidator,
        UsageFlusher(vault: vault, logger: logger),
    ]
    var options = settings.api
    if options.throttle.enabled, settings.sharedThrottle {
        let counts = SharedThrottleCounts(pool: pool, logger: logger)
        options.throttleCounts = counts
        services.append(counts)
    }
    if settings.api.log.isEnabled {
        services.append(DecisionLogWriter(log: settings.api.log, logger: Logger(label: "latchkey.decisions")))
    }
    return Application(
        router: buildRouter(dependencies: dependencies, plugins: plugins, options: options),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        services: services,
        logger: logger
    )
}

/// Builds the router: public endpoints, the decision API (service credentials), the session
/// endpoints, then authentication and throttling, then every plugin's routes, then 405 answers
/// for known paths asked with other methods. Routing comes first: credentials are read only by
/// the routes that take them, so 404 and 405 never depend on them.
public func buildRouter(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], options: APIOptions = APIOptions()
) -> Router<LatchkeyRequestContext> {
    buildRoutes(dependencies: dependencies, plugins: plugins, options: options).router
}

/// The router of ``buildRouter(dependencies:plugins:options:)`` with the record of every API
/// route it serves (not the console's pages, nor the `HEAD`, `OPTIONS` and 405 answers derived
/// from the records).
///
/// `SchemaTests` compares the records with the OpenAPI document; the decision-agreement test and
/// the tenant-isolation property read the action each route states.
public func buildRoutes(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], options: APIOptions = APIOptions()
) -> RouteTable<LatchkeyRequestContext> {
    mountRoutes(dependencies: dependencies, plugins: plugins, options: options)
}

/// A new router with every route mounted, and the record of what was mounted.
///
/// Router-wide (every answer, 404s included): the request id, security headers, CORS, JSON errors, 405 for
/// unknown methods, the client address. Then one area after another, each with the middleware
/// it needs where it is mounted: public (no credentials), the decision API (service
/// credentials, in its own groups), sessions (their own throttling), and the resources
/// (authentication, then throttling, for every plugin route). The router matches first, so
/// none of this runs for an unknown path or method (SPEC §3).
private func mountRoutes(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], options: APIOptions
) -> RouteTable<LatchkeyRequestContext> {
    let router = Router(context: LatchkeyRequestContext.self, options: [.autoGenerateHeadEndpoints])
    router.add(middleware: RequestIDMiddleware())
    // Counts and times every request by route template (never the raw path) and status.
    if options.metrics { router.add(middleware: RequestMetricsMiddleware()) }
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: options.publicURL?.lowercased().hasPrefix("https://") == true))
    if !options.corsAllowedOrigins.isEmpty {
        router.add(middleware: LatchkeyCORSMiddleware(allowedOrigins: Set(options.corsAllowedOrigins)))
    }
    router.add(middleware: JSONErrorMiddleware())
    let known = KnownPaths()
    router.add(middleware: UnknownMethodMiddleware<LatchkeyRequestContext>(known: known))
    if !options.trustedProxies.isEmpty {
        router.add(middleware: ClientAddressMiddleware(trustedProxies: options.trustedProxies))
    }
    let routes = RouteTable(router: router)
    routes.documentEveryRoute(with: CoreOpenAPI.everyRoute)

    // Public.
    HealthController(pool: dependencies.pool, readiness: options.readiness).register(on: routes)
    let schema = SchemaController()
    schema.register(on: routes)
    let throttle = options.throttle.enabled ? Throttle(settings: options.throttle, shared: options.throttleCounts) : nil
    let failures = FailedAuthentications(limiter: throttle?.failedAuthentication)

    // The decision API: `/v1`, `/access/v1` (service credentials), and its public metadata.
    let resolvers = plugins.flatMap { $0.resourceResolvers(dependencies: dependencies) } + [KeyResolver(pool: dependencies.pool, vault: dependencies.vault)]
    let decisions = DecisionService(
        vault: dependencies.vault, engine: dependencies.engine, resolvers: resolvers, log: options.log, metrics: options.metrics)
    DecisionController(
        vault: dependencies.vault,
        pool: dependencies.pool,
        service: decisions,
        search: SearchService(decisions: decisions, vault: dependencies.vault),
        tokens: PageTokens(box: options.secretBox),
        publicURL: options.publicURL,
        failures: failures,
        throttle: throttle,
        slugs: OrganisationSlugCache(pool: dependencies.pool)
    ).register(on: routes)

    // Sessions: login, status, logout, the legacy token (throttled per address).
    SessionController(vault: dependencies.vault, pool: dependencies.pool, lifetime: options.sessionLifetime, throttle: throttle, failures: failures)
        .register(on: routes)

    // Leaked keys: anyone holding one may kill it.
    LeakController(vault: dependencies.vault, throttle: throttle).register(on: routes)
    SecretScanningController(vault: dependencies.vault, keys: options.githubScanningKeys).register(on: routes)

    // SSO token exchange (enterprise): an ID token in, a key out.
    TokenExchangeController(exchange: TokenExchange(vault: dependencies.vault, keys: options.jwks), throttle: throttle).register(on: routes)

    // Resources: every plugin's routes, behind authentication and throttling.
    var resourceMiddleware: [any MiddlewareProtocol<Request, Response, LatchkeyRequestContext>] = [
        AuthenticationMiddleware(vault: dependencies.vault, failures: failures),
    ]
    if let throttle { resourceMiddleware.append(ThrottleMiddleware(throttle: throttle, scope: .caller)) }
    routes.area(resourceMiddleware, documented: CoreOpenAPI.resourceRoute) { resources in
        CurrentKeyController(vault: dependencies.vault).register(on: resources)
        AuditController(pool: dependencies.pool).register(on: resources)
        for plugin in plugins { plugin.registerRoutes(on: resources, dependencies: dependencies) }
    }

    schema.publish(OpenAPIAssembler.document(operations: routes.operations, plugins: plugins))
    routes.registerMethodFallbacks()

    // The web console: HTML pages with their own sessions, not part of the API's document.
    let console = RouteTable(router: router)
    Console<LatchkeyRequestContext>(dependencies: ConsoleDependencies(
        vault: dependencies.vault, accounts: Accounts(pool: dependencies.pool, vault: dependencies.vault),
        tenancy: Tenancy(pool: dependencies.pool, vault: dependencies.vault), secretBox: options.secretBox,
        throttle: options.throttle.enabled ? .signIn(settings: options.throttle, shared: options.throttleCounts) : nil
    )).register(on: console)
    console.registerMethodFallbacks()

    known.record(routes, console)
    return routes
}
