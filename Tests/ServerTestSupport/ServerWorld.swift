import Foundation
import Hummingbird
import HummingbirdTesting
import LatchkeyPlugins
import Logging
import PluginKit
import Policy
import Postgres
import Server
import TestSupport
import Vault

/// A migrated database with every registered plugin mounted, and seeding helpers for server tests.
public struct ServerWorld: Sendable {
    public let pool: PGPool
    public let dependencies: PluginDependencies
    /// A service credential for the decision API (see ``DecisionAgreement``).
    public var service: String?

    /// - Parameter tableChanges: given, plugins cache reads (see `ReadCacheTests`); the default
    ///   world reads everything from PostgreSQL, so tests may change rows between requests.
    /// The plugins mounted: the executable's (`LatchkeyPlugins`) unless a test brings its own.
    public let mounted: [any ResourcePlugin]

    public init(pool: PGPool, tableChanges: TableChanges? = nil, plugins: [any ResourcePlugin] = registeredPlugins) {
        self.pool = pool
        self.mounted = plugins
        let engine = PolicyEngine(plugins: plugins)
        let logger = Logger(label: "test")
        dependencies = PluginDependencies(
            pool: pool, vault: Vault(pool: pool, engine: engine, passwordHasher: Self.passwordHasher, logger: logger),
            engine: engine, logger: logger, tableChanges: tableChanges)
    }

    /// Cheap scrypt for tests: OWASP's cost takes a few hundred milliseconds per password.
    public static let passwordHasher = PasswordHasher(parameters: ScryptParameters(log2N: 10))

    /// Runs `body` with a world on a fresh migrated database.
    public static func with<Result: Sendable>(_ body: @Sendable (ServerWorld) async throws -> Result) async throws -> Result {
        try await TestDatabase.withMigratedPool { pool in
            var world = ServerWorld(pool: pool)
            world.service = try await world.dependencies.vault.issueServiceCredential(name: "agreement").secret
            return try await body(world)
        }
    }

    /// Runs `body` with two instances on one database, each with its own vault, caches and
    /// change listener, as two processes behind a balancer are.
    public static func twoInstances(_ body: @Sendable (ServerWorld, ServerWorld) async throws -> Void) async throws {
        try await TestDatabase.withMigratedPool { pool in
            let a = ServerWorld(pool: pool), b = ServerWorld(pool: pool)
            let listeners = [a, b].map { VaultInvalidator(vault: $0.dependencies.vault, configuration: pool.configuration) }
            let listening = listeners.map { listener in Task { try await listener.run() } }
            defer { for listener in listeners { listener.stop() }; for task in listening { task.cancel() } }
            try await Task.sleep(for: .milliseconds(300))
            try await body(a, b)
        }
    }

    /// Runs `body` with a client of the real router: in memory by default, or over a real
    /// loopback socket with `.live` (where the peer address is known).
    ///
    /// Every resource-API request `body` sends with a key is replayed as an AuthZEN evaluation
    /// (see ``DecisionAgreement``), which must give the same answer.
    ///
    /// - Parameters:
    ///   - settings: the router's settings (by default no throttling, no CORS, no secret key).
    ///   - shared: the live objects a test watches or shares (by default fresh ones: no decision
    ///     log, always ready, counts per process).
    public func client<Result: Sendable>(
        settings: APISettings = APISettings(),
        shared: APIDependencies = APIDependencies(),
        over setup: TestingSetup = .router,
        _ body: @Sendable (any TestClientProtocol) async throws -> Result
    ) async throws -> Result {
        let routes = buildRoutes(dependencies: dependencies, plugins: mounted, settings: settings, shared: shared)
        let app = Application(router: routes.router)
        return try await DecisionAgreement.$routes.withValue(routes.records) {
            try await DecisionAgreement.$service.withValue(service) { try await app.test(setup, body) }
        }
    }

    /// Where issuance finds a fine-grained key's selected resources: the mounted plugins.
    public var selections: ResolverSelectionLookup {
        ResolverSelectionLookup(engine: dependencies.engine, plugins: mounted.map { $0.mount(dependencies: dependencies) })
    }

    /// Every API route of the mounted plugins and the core, as registered: path, method, action, operation.
    public var routes: [RouteRecord] { buildRoutes(dependencies: dependencies, plugins: mounted).records }

    // MARK: Seeding

    @discardableResult
    public func user(_ username: String, tier: Tier = .pro, active: Bool = true) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO users (username, email, tier, is_active)
            VALUES (\(username), \(username + "@example.com"), \(tier.rawValue), \(active)) RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }

    @discardableResult
    public func organisation(_ slug: String, owner: Int64? = nil, members: [(Int64, String)] = []) async throws -> Int64 {
        let id = try await pool.query("INSERT INTO organisations (slug, name, owner_id) VALUES (\(slug), \(slug.uppercased()), \(owner)) RETURNING id")[0].decode(Int64.self, at: 0)
        try await insert(members) { "INSERT INTO organisation_memberships (organisation_id, user_id, role) VALUES (\(id), \($0), \($1))" }
        return id
    }

    @discardableResult
    public func team(_ slug: String, organisation: Int64? = nil, members: [(Int64, String)] = []) async throws -> Int64 {
        let id = try await pool.query("INSERT INTO teams (slug, name, organisation_id) VALUES (\(slug), \(slug), \(organisation)) RETURNING id")[0].decode(Int64.self, at: 0)
        try await insert(members) { "INSERT INTO team_memberships (team_id, user_id, role) VALUES (\(id), \($0), \($1))" }
        return id
    }

    /// Runs the statement `row` makes of each (user, role), a membership each.
    public func insert(_ members: [(Int64, String)], _ row: (Int64, String) -> PGQuery) async throws {
        for (user, role) in members { try await pool.execute(row(user, role)) }
    }

    /// `users` users `u0…`, three organisations `o0…` (each owned by one of them with
    /// `ownerChance`) and three teams `t0…` (in one of the organisations, with
    /// `teamOrganisationChance`, or always when `nil`), each with random members and roles.
    public func randomMemberships(
        users count: Int, ownerChance: Double, teamOrganisationChance: Double? = nil, random: inout SplitMix64
    ) async throws -> (users: [Int64], organisations: [Int64], teams: [Int64]) {
        let roles = ["admin", "creator", "viewer"]
        var users: [Int64] = []
        for index in 0..<count { users.append(try await user("u\(index)")) }
        var organisations: [Int64] = []
        for index in 0..<3 {
            let owner = random.chance(ownerChance) ? users.randomElement(using: &random) : nil
            let members = users.filter { _ in random.chance(0.3) }.map { ($0, roles.randomElement(using: &random)!) }
            organisations.append(try await organisation("o\(index)", owner: owner, members: members))
        }
        var teams: [Int64] = []
        for index in 0..<3 {
            let members = users.filter { _ in random.chance(0.3) }.map { ($0, roles.randomElement(using: &random)!) }
            let inOrganisation = teamOrganisationChance.map { random.chance($0) } ?? true
            teams.append(try await team("t\(index)", organisation: inOrganisation ? organisations.randomElement(using: &random) : nil, members: members))
        }
        return (users, organisations, teams)
    }

    /// Inserts a key directly (as an import would), bypassing issuance rules; returns the secret.
    public func key(
        for userID: Int64, organisation: Int64? = nil, team: Int64? = nil, expiresAt: Date? = nil, revoked: Bool = false, capabilities: [String] = ["view"],
        allowedCIDRs: [String] = [], permissions: KeyPermissions? = nil
    ) async throws -> String {
        let key = try KeyFormat.generate(.live)
        // A fine-grained key holds the union of its permissions' verbs (as issuance stores it).
        let capabilities = permissions.map { $0.union.names } ?? capabilities
        try await pool.execute("""
            INSERT INTO api_keys (user_id, organisation_id, team_id, name, prefix, last4, hash, expires_at, capabilities, revoked_at, allowed_cidrs,
                                  permissions, resources)
            VALUES (\(userID), \(organisation), \(team), 'test', \(key.prefix), \(key.last4), \(Data(key.digest.bytes)), \(expiresAt),
                    \(capabilities)::text[], CASE WHEN \(revoked) THEN now() END, \(allowedCIDRs)::text[],
                    \(permissions?.permissionsJSON)::jsonb, \(permissions?.resourcesJSON)::jsonb)
            """)
        return key.secret
    }
}

/// One response, decoded for assertions.
public struct Reply: Sendable {
    public var status: HTTPResponse.Status
    public var headers: HTTPFields
    public var text: String

    public init(status: HTTPResponse.Status, headers: HTTPFields, text: String) {
        self.status = status
        self.headers = headers
        self.text = text
    }

    /// The body as JSON (`nil` when it is not JSON).
    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
    /// The body as a JSON object.
    public var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// `detail` of a JSON error body.
    public var detail: String? { object["detail"] as? String }
    /// The `id`s of a JSON array (or of a page's `results`).
    public var ids: Set<Int64> {
        let items = (json as? [[String: Any]]) ?? (object["results"] as? [[String: Any]]) ?? []
        return Set(items.compactMap { ($0["id"] as? NSNumber)?.int64Value })
    }
}

extension TestClientProtocol {
    /// Sends a request, with `Authorization: Bearer <key>` when `key` is given; checks that
    /// the decision API agrees with the answer (``DecisionAgreement``).
    public func send(_ uri: String, method: HTTPRequest.Method = .get, key: String? = nil, headers: HTTPFields = [:], body: String? = nil) async throws -> Reply {
        var fields = headers
        if let key { fields[.authorization] = "Bearer \(key)" }
        if body != nil, fields[.contentType] == nil { fields[.contentType] = "application/json" }
        let before = DecisionAgreement.isWrite(method)
            ? try await DecisionAgreement.evaluate(method: method, uri: uri, key: key, body: body, client: self) : nil
        let reply = try await execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
        guard DecisionAgreement.isPolicyAnswer(reply) else { return reply }
        let after = DecisionAgreement.isWrite(method) ? before : try await DecisionAgreement.evaluate(method: method, uri: uri, key: key, client: self)
        if let after { DecisionAgreement.compare(reply, after, method: method, uri: uri) }
        return reply
    }
}
