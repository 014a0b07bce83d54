import Foundation
import Logging
import Policy
import Postgres

/// The key vault: issues, verifies, lists, rolls and revokes API keys and service credentials.
///
/// Verification is format check (no I/O) → in-memory cache by SHA-256 → PostgreSQL on a miss.
/// Every change that can invalidate a cached key, by any writer, sends `NOTIFY latchkey_keys`
/// from a table trigger (`db/core/0004`); `VaultInvalidator` evicts on every instance.
public final class Vault: Sendable {
    public let pool: PGPool
    public let engine: PolicyEngine
    let cache: VerificationCache
    let serviceCache: ServiceCredentialCache
    /// Live API sessions (`authtoken`) by the SHA-256 of their token.
    let sessions: UserScopedTable<SHA256Digest, LiveSession>
    let dependents = DependentCaches()
    /// How this instance hashes passwords (scrypt; a cheap cost in tests): kept with the
    /// vault's other secrets machinery, applied by Accounts.
    public let passwordHasher: PasswordHasher
    /// How many scrypt computations run at once in this instance (SPEC §10).
    public let passwordHashing: PasswordHashingLimiter
    let logger: Logger

    /// - Parameters:
    ///   - cacheCapacity: most keys held in memory.
    ///   - cacheTTL: how long a cached key is trusted without re-reading it (at most 60 s).
    ///   - passwordHashing: the bound on password hashing at once (by default one per core).
    public init(
        pool: PGPool,
        engine: PolicyEngine = PolicyEngine(rules: [KeyRules()]),
        cacheCapacity: Int = 100_000,
        cacheTTL: Duration = .seconds(30),
        passwordHasher: PasswordHasher = PasswordHasher(),
        logger: Logger = Logger(label: "latchkey.vault"),
        passwordHashing: PasswordHashingLimiter = PasswordHashingLimiter()
    ) {
        self.passwordHashing = passwordHashing
        self.pool = pool
        self.engine = engine
        self.cache = VerificationCache(capacity: cacheCapacity, ttl: min(cacheTTL, .seconds(60)))
        self.serviceCache = ServiceCredentialCache(ttl: min(cacheTTL, .seconds(60)))
        self.sessions = UserScopedTable(ttl: min(cacheTTL, .seconds(60)), capacity: cacheCapacity)
        self.passwordHasher = passwordHasher
        self.logger = logger
    }

    /// Checks a presented `ct_live_` key.
    ///
    /// A string that is not a well-formed key is `MALFORMED` without touching the database.
    /// Throws only when the database cannot be reached.
    public func verify(_ presented: String) async throws -> KeyVerification {
        guard let parsed = try? KeyFormat.parse(presented, as: .live) else {
            VaultMetrics.verified(.malformed)
            return .malformed
        }
        let verification = try await verify(digest: parsed.digest)
        VaultMetrics.verified(verification.status)
        return verification
    }

    /// Checks the key whose SHA-256 is `digest`: the cache first, PostgreSQL on a miss. Marks
    /// a successful use (`last_used_at`) or a use after expiry (`key.expired_use`), each at most
    /// once a minute per key; a refused key is never marked as used.
    func verify(digest: SHA256Digest) async throws -> KeyVerification {
        if let cached = cache.lookup(digest, at: Date()) {
            VaultMetrics.cacheHits.increment()
            return cached
        }
        VaultMetrics.cacheMisses.increment()
        let generation = cache.generation
        guard let found = try await load(digest: digest) else { return .notFound }
        cache.store(found, for: digest, readAt: generation)
        let status = found.status(at: Date())
        if status == .valid {
            cache.recordUse(.valid, of: found, digest: digest)
        } else if status == .expired {
            cache.recordUse(.expired, of: found, digest: digest)
        }
        return KeyVerification(status: status, found: found)
    }

    /// Reads a key, its owner, organisation (with its key policy) and the owner's memberships in
    /// one query.
    func load(digest: SHA256Digest) async throws -> VerifiedKey? {
        let rows = try await pool.query("""
            SELECT \(KeyRecord.columns),
                   u.username, u.tier, u.is_active, u.is_staff, o.slug AS organisation_slug, o.name AS organisation_name,
                   t.organisation_id AS team_organisation_id, \(KeyPolicy.columns("kp")),
                   \(PrincipalLoader.membershipColumns("u.id", confinedBy: "k"))
            FROM api_keys k
            JOIN users u ON u.id = k.user_id
            LEFT JOIN organisations o ON o.id = k.organisation_id
            LEFT JOIN teams t ON t.id = k.team_id
            LEFT JOIN key_policies kp ON kp.organisation_id = k.organisation_id
            WHERE k.hash = \(Data(digest.bytes))
            """)
        guard let row = rows.first else { return nil }
        let key = try KeyRecord(row: row)
        let owner = KeyOwner(
            id: key.userID,
            username: try row.decode(String.self, named: "username"),
            tier: try PrincipalLoader.tier(row.decode(String.self, named: "tier")),
            isActive: try row.decode(Bool.self, named: "is_active"),
            isStaff: try row.decode(Bool.self, named: "is_staff")
        )
        var organisation: KeyOrganisation?
        if let id = key.organisationID, let slug = try row.decode(String?.self, named: "organisation_slug") {
            organisation = KeyOrganisation(id: id, slug: slug, name: try row.decode(String.self, named: "organisation_name"))
        }
        var principal = try PrincipalLoader.principal(row: row, userID: owner.id, tier: owner.tier, isStaff: owner.isStaff)
        principal.capabilities = key.effectiveCapabilities
        principal.permissions = key.permissions
        principal.keyOrganisationID = key.organisationID
        principal.keyTeamID = key.teamID
        return VerifiedKey(key: key, owner: owner, organisation: organisation, principal: principal,
                           teamOrganisationID: try row.decode(Int64?.self, named: "team_organisation_id"),
                           policy: try KeyPolicy(policyRow: row))
    }

    /// Lists a user's keys, newest first — never the secret.
    public func listKeys(username: String) async throws -> [KeyRecord] {
        let users = try await pool.query("SELECT id FROM users WHERE username = \(username)")
        guard let userID = try users.first?.decode(Int64.self, at: 0) else { throw VaultError.userNotFound(username) }
        return try await listKeys(userID: userID)
    }

    /// Lists the keys of user `userID`, newest first — never the secret.
    public func listKeys(userID: Int64) async throws -> [KeyRecord] {
        let rows = try await pool.query("""
            SELECT \(KeyRecord.columns) FROM api_keys k WHERE k.user_id = \(userID) ORDER BY k.created_at DESC, k.id
            """)
        return try rows.map(KeyRecord.init(row:))
    }

    /// The keys issued in organisation `id`, newest first, with their owners' usernames — never
    /// the secret.
    public func listKeys(organisationID id: Int64) async throws -> [(key: KeyRecord, username: String)] {
        let rows = try await pool.query("""
            SELECT \(KeyRecord.columns), u.username FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.organisation_id = \(id) ORDER BY k.created_at DESC, k.id
            """)
        return try rows.map { (try KeyRecord(row: $0), try $0.decode(String.self, named: "username")) }
    }

    /// The keys confined to team `id`, and those its members hold outside any organisation or
    /// team, newest first, with their owners' usernames — what the team's admins manage.
    public func listKeys(teamID id: Int64) async throws -> [(key: KeyRecord, username: String)] {
        let rows = try await pool.query("""
            SELECT \(KeyRecord.columns), u.username FROM api_keys k JOIN users u ON u.id = k.user_id
            WHERE k.team_id = \(id)
               OR (k.organisation_id IS NULL AND k.team_id IS NULL
                   AND k.user_id IN (SELECT user_id FROM team_memberships WHERE team_id = \(id)))
            ORDER BY k.created_at DESC, k.id
            """)
        return try rows.map { (try KeyRecord(row: $0), try $0.decode(String.self, named: "username")) }
    }

    /// Forgets every cached key, and everything the attached caches hold (on reconnect of the
    /// change listener, for tests and operators).
    public func flushCache() {
        cache.evictAll()
        serviceCache.evictAll()
        sessions.evictAll()
        dependents.evictAll()
    }

    /// Forgets this instance's cached keys of a user, and the attached caches' entries of them:
    /// after a change to the user, their keys, sessions or memberships commits (other instances
    /// hear the table triggers' notice).
    public func forget(userID: Int64) {
        cache.evict(userID: userID)
        sessions.evict(userID: userID)
        dependents.evict(userID: userID)
    }

    /// Has `dependent` evicted whenever the vault's cache is: it then follows every change
    /// notice about users, from any instance or writer.
    public func attach(_ dependent: any UserScopedCache) {
        dependents.add(dependent)
    }

    /// A user as the policy engine sees them, with all their memberships, and whether they are
    /// active; `nil` when no user has this id. Key capabilities are the default (`view`).
    public func principal(userID: Int64) async throws -> (UserPrincipal, isActive: Bool)? {
        try await pool.withConnection { try await PrincipalLoader.principal(userID: userID, on: $0) }
    }

    /// The active users among `candidates` (SQL selecting user ids) as the policy engine sees
    /// them, in id order after `after`, at most `limit`; key capabilities are the default.
    public func activePrincipals(among candidates: PGQuery, after: Int64, limit: Int) async throws -> [UserPrincipal] {
        try await pool.withConnection { try await PrincipalLoader.activePrincipals(among: candidates, after: after, limit: limit, on: $0) }
    }

}
