/// How to reach PostgreSQL and how large the pool may grow.
public struct PGConfiguration: Sendable {
    /// A libpq connection string: a `postgresql://` URI or `key=value` conninfo.
    public var connectionString: String
    /// A database name that overrides the one in `connectionString`, when set.
    public var database: String?
    /// The most connections the pool opens at once.
    public var maxConnections: Int
    /// How long `withConnection` waits for a free connection before failing.
    public var acquireTimeout: Duration
    /// libpq's `connect_timeout`, in seconds, unless the connection string sets one.
    public var connectTimeoutSeconds: Int
    /// `application_name`, visible in `pg_stat_activity`.
    public var applicationName: String
    /// The most prepared statements cached per connection.
    public var statementCacheSize: Int
    /// `statement_timeout` of every connection: a statement running longer is cancelled by the
    /// server, so a hung database gives errors (503), not stuck requests. Zero: none.
    public var statementTimeout: Duration
    /// TCP keepalives: idle seconds before the first probe (then every 10 s, three probes), so a
    /// connection whose peer vanished without a goodbye is noticed instead of waited on forever.
    public var keepaliveIdleSeconds: Int

    public init(
        connectionString: String,
        maxConnections: Int = 8,
        acquireTimeout: Duration = .seconds(10),
        connectTimeoutSeconds: Int = 5,
        applicationName: String = "latchkey",
        statementCacheSize: Int = 256,
        statementTimeout: Duration = .seconds(30),
        keepaliveIdleSeconds: Int = 30
    ) {
        self.connectionString = connectionString
        self.database = nil
        self.maxConnections = max(1, maxConnections)
        self.acquireTimeout = acquireTimeout
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.applicationName = applicationName
        self.statementCacheSize = statementCacheSize
        self.statementTimeout = statementTimeout
        self.keepaliveIdleSeconds = keepaliveIdleSeconds
    }
}
