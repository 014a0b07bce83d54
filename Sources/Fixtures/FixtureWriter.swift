import Foundation
import Policy
import Postgres
import Vault

/// Inserts a validated fixture's rows through one connection, inside the caller's transaction.
///
/// Every value is a bind parameter. A statement the database refuses (for example a unique
/// violation against a row that already exists) becomes a ``FixtureError`` naming the item.
public struct FixtureWriter {
    let connection: PGConnection
    /// Seals TOTP secrets (`LATCHKEY_SECRET_KEY`); without it a fixture cannot hold one.
    let secretBox: SecretBox?
    /// The ids and raw keys, filled in as rows are inserted.
    private(set) var result = FixtureImportResult()
    private var ids: [FixtureCatalog.Kind: [String: Int64]] = [:]

    init(connection: PGConnection, secretBox: SecretBox?) {
        self.connection = connection
        self.secretBox = secretBox
    }

    /// Inserts every section in dependency order, then records a `fixture.imported` audit event.
    ///
    /// `passwords` holds the encoded password hash of each user, in order.
    mutating func write(_ fixture: Fixture, passwords: [String?]) async throws {
        for (user, password) in zip(fixture.users, passwords) { try await insert(user, password: password) }
        for organisation in fixture.organisations { try await insert(organisation) }
        for team in fixture.teams { try await insert(team) }
        for rows in fixture.pluginRows { try await rows.insert(with: &self) }
        for key in fixture.keys { try await insert(key) }
        for service in fixture.services { try await insert(service) }
        try await run("INSERT INTO audit_events (action, detail) VALUES ('fixture.imported', \(PGJSON(fixture.counts)))", for: "fixture")
    }

    // MARK: Sections

    private mutating func insert(_ user: FixtureUser, password: String?) async throws {
        var sealedSecret: String?
        if let secret = user.mfaSecret {
            guard let secretBox else {
                throw FixtureError(item: user.item, problem: "mfa_secret is stored encrypted: set LATCHKEY_SECRET_KEY (32 bytes, base64) to import it")
            }
            sealedSecret = try secretBox.seal(secret, purpose: SecretBox.mfaSecret)
        }
        let id = try await insertReturningID("""
            INSERT INTO users (username, email, first_name, last_name, password, tier, is_active, is_staff, mfa_secret)
            VALUES (\(user.username), \(user.email), \(user.firstName), \(user.lastName), \(password), \(user.tier),
                    \(user.isActive), \(user.isStaff), \(sealedSecret))
            RETURNING id
            """, for: user.item)
        record(.user, user.ref, id, as: "user")
    }

    private mutating func insert(_ organisation: FixtureOrganisation) async throws {
        let id = try await insertReturningID("""
            INSERT INTO organisations (slug, name, owner_id)
            VALUES (\(organisation.slug), \(organisation.name), \(self.id(.user, organisation.owner)))
            RETURNING id
            """, for: organisation.item)
        record(.organisation, organisation.ref, id, as: "org")
        try await insert(organisation.members, of: id, "INSERT INTO organisation_memberships (organisation_id, user_id, role)")
    }

    private mutating func insert(_ team: FixtureTeam) async throws {
        let id = try await insertReturningID("""
            INSERT INTO teams (slug, name, organisation_id, size)
            VALUES (\(team.slug), \(team.name), \(self.id(.organisation, team.organisation)), \(team.size))
            RETURNING id
            """, for: team.item)
        record(.team, team.ref, id, as: "team")
        try await insert(team.members, of: id, "INSERT INTO team_memberships (team_id, user_id, role)")
    }

    private mutating func insert(_ key: FixtureKey) async throws {
        let secret = try KeyFormat.generate(.live)
        let revokeReason: String? = key.revoked ? "imported as revoked" : nil
        let permissions = try key.permissions.map { permissions in
            var ids: [String: [Int64]] = [:]
            for selection in key.resources { ids[selection.type] = selection.refs.map { id(selection.kind, $0) } }
            do {
                return try KeyPermissions.checked(verbs: permissions.verbs, ids: ids)
            } catch {
                throw FixtureError(item: key.item, problem: "field \"resources\": \(error)")
            }
        }
        let rows = try await run("""
            INSERT INTO api_keys (user_id, organisation_id, name, prefix, last4, hash, capabilities, created_by,
                                  expires_at, revoked_at, revoke_reason, allowed_cidrs, meta, rate_limit, permissions, resources)
            VALUES (\(self.id(.user, key.user)), \(self.id(.organisation, key.organisation)), \(key.name),
                    \(secret.prefix), \(secret.last4), \(Data(secret.digest.bytes)), \(permissions?.union.names ?? key.capabilities),
                    \(self.id(.user, key.createdBy)), \(key.expiresAt), CASE WHEN \(key.revoked) THEN now() END,
                    \(revokeReason), \(key.allowedCIDRs), \(key.meta?.json)::json, \(key.rateLimit?.description),
                    \(permissions?.permissionsJSON)::jsonb, \(permissions?.resourcesJSON)::jsonb)
            RETURNING id
            """, for: key.item)
        result.ids["key:\(key.ref)"] = .text(try rows[0].decode(UUID.self, at: 0).uuidString.lowercased())
        result.keys[key.ref] = secret.secret
    }

    private mutating func insert(_ service: FixtureService) async throws {
        let secret = try KeyFormat.generate(.service)
        let rows = try await run("""
            INSERT INTO service_credentials (name, prefix, last4, hash, organisation_id)
            VALUES (\(service.name), \(secret.prefix), \(secret.last4), \(Data(secret.digest.bytes)), \(self.id(.organisation, service.organisation)))
            RETURNING id
            """, for: service.item)
        result.ids["service:\(service.ref)"] = .text(try rows[0].decode(UUID.self, at: 0).uuidString.lowercased())
        result.services[service.ref] = secret.secret
    }

    // MARK: Helpers

    /// Inserts the `members` of item `id` with `statement`, an `INSERT INTO <table> (<parent>,
    /// user_id, role)` to which each member's values are added.
    public func insert(_ members: [FixtureMember], of id: Int64, _ statement: PGQuery) async throws {
        for member in members {
            try await run("\(statement) VALUES (\(id), \(self.id(.user, member.user)), \(member.role))", for: member.item)
        }
    }

    /// Remembers an inserted item's id and reports it as `<label>:<ref>`.
    public mutating func record(_ kind: FixtureCatalog.Kind, _ ref: String, _ id: Int64, as label: String) {
        remember(kind, ref, id)
        result.ids["\(label):\(ref)"] = .number(id)
    }

    /// Remembers an inserted item's id, for later items that refer to it, without reporting it.
    public mutating func remember(_ kind: FixtureCatalog.Kind, _ ref: String, _ id: Int64) {
        ids[kind, default: [:]][ref] = id
    }

    /// Reports an inserted item without a numeric id as `<label>:<ref>` (e.g. a dataset's key).
    public mutating func report(_ label: String, _ ref: String, _ value: String) {
        result.ids["\(label):\(ref)"] = .text(value)
    }

    /// The id of an item inserted earlier; refs were checked when the fixture was validated.
    public func id(_ kind: FixtureCatalog.Kind, _ ref: String) -> Int64 {
        guard let id = ids[kind]?[ref] else { preconditionFailure("\(kind.rawValue) ref \"\(ref)\" was not validated") }
        return id
    }

    /// The id of an optional ref.
    public func id(_ kind: FixtureCatalog.Kind, _ ref: String?) -> Int64? {
        ref.map { id(kind, $0) }
    }

    /// Runs an `INSERT … RETURNING id` for `item` and returns the id.
    public func insertReturningID(_ query: PGQuery, for item: String) async throws -> Int64 {
        try await run(query, for: item)[0].decode(Int64.self, at: 0)
    }

    /// Runs `query` for `item`; a statement the server refuses becomes a ``FixtureError`` naming the item.
    @discardableResult
    public func run(_ query: PGQuery, for item: String) async throws -> PGRowSet {
        do {
            return try await connection.query(query)
        } catch let error as PGError where error.kind == .server {
            let reason = [error.message, error.detail].compactMap { $0 }.joined(separator: ": ")
            let problem = error.isUniqueViolation ? "conflicts with a row already in the database (\(reason))" : "refused by the database (\(reason))"
            throw FixtureError(item: item, problem: problem)
        }
    }
}
