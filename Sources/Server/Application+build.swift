import Accounts
import Console
import Events
import Federation
import Hummingbird
import Logging
import PluginKit
import Policy
import Postgres
import ServiceLifecycle
import Tenancy
import Usage
import Vault

/// What the router is built with, as data: ``Configuration/api`` for `serve`; the defaults suit
/// tests (no throttling, no CORS, no metrics).
public struct APISettings: Sendable {
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
    /// Whether requests and decisions are counted through swift-metrics (`LATCHKEY_METRICS_PORT`).
    public var metrics: Bool
    /// Where webhooks may be sent (`LATCHKEY_WEBHOOK_TARGETS`).
    public var webhookTargets: WebhookTargets
    /// What the gateway check requires of each original request (`LATCHKEY_GATEWAY_ROUTES`).
    public var gatewayRoutes: GatewayRoutes

    public init(
        publicURL: String? = nil,
        throttle: ThrottleSettings = .off,
        corsAllowedOrigins: [String] = [],
        trustedProxies: [String] = [],
        sessionLifetime: Duration = Vault.defaultSessionLifetime,
        secretBox: SecretBox? = nil,
        metrics: Bool = false,
        webhookTargets: WebhookTargets = .public,
        gatewayRoutes: GatewayRoutes = .defaults
    ) {
        self.publicURL = publicURL
        self.throttle = throttle
        self.corsAllowedOrigins = corsAllowedOrigins
        self.trustedProxies = trustedProxies
        self.sessionLifetime = sessionLifetime
        self.secretBox = secretBox
        self.metrics = metrics
        self.webhookTargets = webhookTargets
        self.gatewayRoutes = gatewayRoutes
    }
}

/// The live objects the router shares with the rest of the application, made once by
/// ``buildApplication(configuration:pool:plugins:logger:)`` from the configuration; a test makes
/// its own. The defaults: no decision log, no scanning keys, counts per process, always ready.
public struct APIDependencies: Sendable {
    /// Where decisions of the decision API are logged, when enabled.
    public var decisionLog: DecisionLog
    /// What `GET /api/ready` reports (draining, the change listener's state).
    public var readiness: Readiness
    /// Where SSO trusts' signing keys come from (parsed documents, fetched URLs).
    public var jwks: JWKSSource
    /// GitHub's secret-scanning keys; without them every alert is refused.
    public var githubScanningKeys: SecretScanningKeyFile?
    /// Throttling counts shared by every instance through PostgreSQL; `nil`: per process.
    public var throttleCounts: SharedThrottleCounts?
    /// This instance's count of key uses (SPEC §13), flushed by a ``UsageRecorder``.
    public var usage: UsageCounter

    public init(
        decisionLog: DecisionLog = DecisionLog(enabled: false),
        readiness: Readiness = Readiness(),
        jwks: JWKSSource = JWKSSource(),
        githubScanningKeys: SecretScanningKeyFile? = nil,
        throttleCounts: SharedThrottleCounts? = nil,
        usage: UsageCounter = UsageCounter()
    ) {
        self.decisionLog = decisionLog
        self.readiness = readiness
        self.jwks = jwks
        self.githubScanningKeys = githubScanningKeys
        self.throttleCounts = throttleCounts
        self.usage = usage
    }
}

/// Builds the Latchkey HTTP application over an open connection pool, mounting `plugins`, and
/// every live object it needs from `configuration`.
///
/// The application runs the pool, the vault's cache invalidator, its usage flusher, the shared
/// throttling counts and the decision-log writer as services; on SIGTERM/SIGINT the server stops
/// accepting, lets in-flight requests finish, then the services stop in reverse order (the pool
/// last). The readiness it returns is the one `/api/ready` reports, for the process's drain and
/// metrics.
///
/// - Throws: ``ConfigurationError`` when the file of `LATCHKEY_GITHUB_SCANNING_KEYS` cannot be read.
public func buildApplication(
    configuration: Configuration,
    pool: PGPool,
    plugins: [any ResourcePlugin],
    logger: Logger
) throws(ConfigurationError) -> (application: some ApplicationProtocol, readiness: Readiness) {
    let engine = PolicyEngine(plugins: plugins)
    let vault = Vault(pool: pool, engine: engine, logger: logger)
    let tableChanges = configuration.readCache ? TableChanges() : nil
    let dependencies = PluginDependencies(pool: pool, vault: vault, engine: engine, logger: logger, tableChanges: tableChanges)
    let invalidator = VaultInvalidator(vault: vault, configuration: pool.configuration, tableChanges: tableChanges, logger: logger)
    let counts = configuration.throttle.enabled && configuration.sharedThrottle ? SharedThrottleCounts(pool: pool, logger: logger) : nil
    let shared = APIDependencies(
        decisionLog: DecisionLog(enabled: configuration.decisionLog),
        readiness: Readiness(listener: { invalidator.isConnected }),
        githubScanningKeys: try configuration.githubScanningKeys.map { path throws(ConfigurationError) in
            do { return try SecretScanningKeyFile(path: path) } catch {
                throw ConfigurationError("LATCHKEY_GITHUB_SCANNING_KEYS: \(error)")
            }
        },
        throttleCounts: counts,
        usage: UsageCounter(enabled: configuration.usageCounting)
    )
    var services: [any Service] = [
        pool,
        invalidator,
        UsageFlusher(vault: vault, logger: logger),
        UsageRecorder(counter: shared.usage, pool: pool, retentionDays: configuration.usageRetentionDays, logger: logger),
    ]
    if let counts { services.append(counts) }
    // Every instance sends the webhook outbox; without the secret no endpoint can exist.
    if let box = configuration.secretBox {
        services.append(WebhookDispatcher(pool: pool, secretBox: box, targets: configuration.webhookTargets, logger: Logger(label: "latchkey.webhooks")))
    }
    // Every instance scans for key notices (expiring, expired); each is given once.
    services.append(KeyNoticeScanner(pool: pool, interval: configuration.keyNoticeInterval, logger: Logger(label: "latchkey.key-notices")))
    if shared.decisionLog.isEnabled {
        services.append(DecisionLogWriter(log: shared.decisionLog, logger: Logger(label: "latchkey.decisions")))
    }
    let application = Application(
        router: buildRouter(dependencies: dependencies, plugins: plugins, settings: configuration.api, shared: shared),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: services,
        logger: logger
    )
    return (application, shared.readiness)
}

/// Builds the router: public endpoints, the decision API (service credentials), the session
/// endpoints, then authentication and throttling, then every plugin's routes, then 405 answers
/// for known paths asked with other methods. Routing comes first: credentials are read only by
/// the routes that take them, so 404 and 405 never depend on them.
public func buildRouter(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], settings: APISettings = APISettings(),
    shared: APIDependencies = APIDependencies()
) -> Router<LatchkeyRequestContext> {
    buildRoutes(dependencies: dependencies, plugins: plugins, settings: settings, shared: shared).router
}

/// The router of ``buildRouter(dependencies:plugins:settings:shared:)`` with the record of every
/// API route it serves (not the console's pages, nor the `HEAD`, `OPTIONS` and 405 answers derived
/// from the records).
///
/// `SchemaTests` compares the records with the OpenAPI document; the decision-agreement test and
/// the tenant-isolation property read the action each route states.
public func buildRoutes(
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], settings: APISettings = APISettings(),
    shared: APIDependencies = APIDependencies()
) -> RouteTable<LatchkeyRequestContext> {
    mountRoutes(dependencies: dependencies, plugins: plugins, settings: settings, shared: shared)
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
    dependencies: PluginDependencies, plugins: [any ResourcePlugin], settings: APISettings, shared: APIDependencies
) -> RouteTable<LatchkeyRequestContext> {
    let router = Router(context: LatchkeyRequestContext.self, options: [.autoGenerateHeadEndpoints])
    router.add(middleware: RequestIDMiddleware())
    // Counts and times every request by route template (never the raw path) and status.
    if settings.metrics { router.add(middleware: RequestMetricsMiddleware()) }
    router.add(middleware: SecurityHeadersMiddleware(strictTransportSecurity: settings.publicURL?.lowercased().hasPrefix("https://") == true))
    if !settings.corsAllowedOrigins.isEmpty {
        router.add(middleware: LatchkeyCORSMiddleware(allowedOrigins: Set(settings.corsAllowedOrigins)))
    }
    router.add(middleware: JSONErrorMiddleware())
    let known = KnownPaths()
    router.add(middleware: UnknownMethodMiddleware<LatchkeyRequestContext>(known: known))
    if !settings.trustedProxies.isEmpty {
        router.add(middleware: ClientAddressMiddleware(trustedProxies: settings.trustedProxies))
    }
    let routes = RouteTable(router: router)
    routes.documentEveryRoute(with: CoreOpenAPI.everyRoute)

    // Public.
    HealthController(pool: dependencies.pool, readiness: shared.readiness).register(on: routes)
    let schema = SchemaController()
    schema.register(on: routes)
    let throttle = settings.throttle.enabled ? Throttle(settings: settings.throttle, shared: shared.throttleCounts) : nil
    let failures = FailedAuthentications(limiter: throttle?.failedAuthentication)
    let uses = KeyUses(counter: shared.usage)
    let webhooks = WebhookEndpoints(pool: dependencies.pool, secretBox: settings.secretBox, targets: settings.webhookTargets)

    // The decision API: `/v1`, `/access/v1` (service credentials), and its public metadata.
    // Each plugin mounted once: its routes and its resolvers share one repository and cache.
    let mounted = plugins.map { $0.mount(dependencies: dependencies) }
    let resolvers = mounted.flatMap(\.resourceResolvers) + [KeyResolver(pool: dependencies.pool, vault: dependencies.vault)]
    let decisions = DecisionService(
        vault: dependencies.vault, engine: dependencies.engine, resolvers: resolvers, log: shared.decisionLog, metrics: settings.metrics)
    DecisionController(
        vault: dependencies.vault,
        pool: dependencies.pool,
        service: decisions,
        search: SearchService(decisions: decisions, vault: dependencies.vault),
        tokens: PageTokens(box: settings.secretBox),
        publicURL: settings.publicURL,
        failures: failures,
        throttle: throttle,
        slugs: OrganisationSlugCache(pool: dependencies.pool),
        uses: uses
    ).register(on: routes)

    // The gateway check: a proxy's auth subrequest, with its own key reading and throttling.
    GatewayController(vault: dependencies.vault, routes: settings.gatewayRoutes, failures: failures, throttle: throttle, uses: uses)
        .register(on: routes)

    // Sessions: login, status, logout, the legacy token (throttled per address).
    SessionController(vault: dependencies.vault, pool: dependencies.pool, lifetime: settings.sessionLifetime, throttle: throttle, failures: failures, uses: uses)
        .register(on: routes)

    // Leaked keys: anyone holding one may kill it.
    LeakController(vault: dependencies.vault, throttle: throttle).register(on: routes)
    SecretScanningController(vault: dependencies.vault, keys: shared.githubScanningKeys).register(on: routes)

    // SSO token exchange (enterprise): an ID token in, a key out.
    TokenExchangeController(exchange: TokenExchange(vault: dependencies.vault, keys: shared.jwks), throttle: throttle).register(on: routes)

    // Resources: every plugin's routes, behind authentication and throttling.
    var resourceMiddleware: [any MiddlewareProtocol<Request, Response, LatchkeyRequestContext>] = [
        AuthenticationMiddleware(vault: dependencies.vault, failures: failures, uses: uses),
    ]
    if let throttle { resourceMiddleware.append(ThrottleMiddleware(throttle: throttle, scope: .caller)) }
    routes.area(resourceMiddleware, documented: CoreOpenAPI.resourceRoute) { resources in
        CurrentKeyController(vault: dependencies.vault).register(on: resources)
        AuditController(pool: dependencies.pool).register(on: resources)
        UsageController(pool: dependencies.pool).register(on: resources)
        KeyPolicyController(tenancy: Tenancy(vault: dependencies.vault)).register(on: resources)
        WebhookController(endpoints: webhooks).register(on: resources)
        KeyRequestController(vault: dependencies.vault).register(on: resources)
        for plugin in mounted { plugin.registerRoutes(on: resources) }
    }

    schema.publish(OpenAPIAssembler.document(operations: routes.operations, plugins: plugins))
    routes.registerMethodFallbacks()

    // The web console: HTML pages with their own sessions, not part of the API's document.
    let console = RouteTable(router: router)
    Console<LatchkeyRequestContext>(dependencies: ConsoleDependencies(
        vault: dependencies.vault, accounts: Accounts(vault: dependencies.vault),
        tenancy: Tenancy(vault: dependencies.vault), usage: UsageReport(pool: dependencies.pool), secretBox: settings.secretBox, webhooks: webhooks,
        throttle: settings.throttle.enabled ? .signIn(settings: settings.throttle, shared: shared.throttleCounts) : nil,
        selections: ResolverSelectionLookup(engine: dependencies.engine, plugins: mounted),
        relyingParty: RelyingParty(publicURL: settings.publicURL)
    )).register(on: console)
    console.registerMethodFallbacks()

    known.record(routes, console)
    return routes
}
