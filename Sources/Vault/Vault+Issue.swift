import Foundation
import Policy
import Postgres

/// What to issue.
public struct KeyIssueRequest: Sendable {
    public var username: String
    public var name: String
    public var organisationSlug: String?
    public var capabilities: Capabilities
    public var expiresAt: Date?
    public var issuer: KeyIssuer
    /// Where the issuance came from (`cli`, `console`, …), for the audit event.
    public var via: String
    /// The client's address, for the audit event.
    public var ip: String?
    /// Where the key may be used from; empty: anywhere (SPEC §2, at most 32).
    public var allowedCIDRs: [AddressRange]
    /// Set when an SSO token exchange asks (SPEC §11): the issuer is then the target themselves.
    public var exchange: SSOExchange?

    public init(
        username: String, name: String, organisationSlug: String? = nil,
        capabilities: Capabilities = .default, expiresAt: Date? = nil, issuer: KeyIssuer = .platformOperator,
        via: String = "cli", ip: String? = nil, allowedCIDRs: [AddressRange] = []
    ) {
        self.allowedCIDRs = allowedCIDRs
        self.username = username
        self.name = name
        self.organisationSlug = organisationSlug
        self.capabilities = capabilities
        self.expiresAt = expiresAt
        self.issuer = issuer
        self.via = via
        self.ip = ip
    }
}

/// What an SSO token exchange adds to an issuance: who vouched for the user, what the trust
/// allows, and the token's single use.
public struct SSOExchange: Sendable {
    /// The ID token's `iss` and `sub`, for the audit event.
    public var issuer: String, subject: String
    /// The capabilities the organisation's trust lets such keys carry.
    public var trustCapabilities: Capabilities
    /// SHA-256 of what makes the token single-use, remembered until `usableUntil`.
    public var replayDigest: SHA256Digest
    public var usableUntil: Date

    public init(issuer: String, subject: String, trustCapabilities: Capabilities, replayDigest: SHA256Digest, usableUntil: Date) {
        self.issuer = issuer
        self.subject = subject
        self.trustCapabilities = trustCapabilities
        self.replayDigest = replayDigest
        self.usableUntil = usableUntil
    }
}

/// A newly issued key: the secret, shown exactly once, and its record.
public struct IssuedKey: Sendable {
    /// The raw key. Return it to the caller once; never log or store it.
    public let secret: String
    public let record: KeyRecord
}

/// Issuance (SPEC §2 "Who may issue", limits, expiry): the rules are `KeyRules` (Policy); the
/// vault reads their facts under a row lock on the target user, then writes and audits.
extension Vault {
    /// The principal the command-line operator acts as: platform staff.
    static let operatorPrincipal = UserPrincipal(userID: 0, tier: .enterprise, isStaff: true, capabilities: .all)

    /// Issues a key after the `key.issue` policy allows it (tier, issuer, capabilities, active-key limit).
    ///
    /// For a tier with an active-key limit, the target user's row is locked for the transaction,
    /// so concurrent issuances for one user are serialised and the limit holds under races.
    public func issue(_ request: KeyIssueRequest) async throws -> IssuedKey {
        let name = request.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw VaultError.invalidInput("a key needs a name of 1 to 200 characters") }
        if let expiresAt = request.expiresAt, expiresAt <= Date() {
            throw VaultError.invalidInput("the expiry must be in the future")
        }
        guard request.allowedCIDRs.count <= AddressRange.limit else { throw VaultError.invalidInput(AddressRangeError.tooMany.description) }
        let generated = try KeyFormat.generate(.live)
        let record: KeyRecord = try await pool.withTransaction { connection in
            let (targetID, targetTier) = try await Self.target(request.username, on: connection)

            var organisationID: Int64?
            if let slug = request.organisationSlug {
                let rows = try await connection.query("SELECT id FROM organisations WHERE slug = \(slug)")
                guard let id = try rows.first?.decode(Int64.self, at: 0) else { throw VaultError.organisationNotFound(slug) }
                organisationID = id
            }

            var issuance = try await Self.issuanceFacts(
                targetID: targetID, tier: targetTier, organisationID: organisationID, capabilities: request.capabilities, on: connection)
            if let exchange = request.exchange {
                issuance.isSSOExchange = true
                issuance.ssoCapabilities = exchange.trustCapabilities
            }

            let (issuer, issuerID) = try await issuerPrincipal(request.issuer, on: connection)
            let decision = engine.decide(.user(issuer), .keyIssue, .keyIssuance(issuance))
            guard decision.isAllowed else { throw VaultError.denied(decision) }
            if let exchange = request.exchange { try await Self.claim(exchange, on: connection) }

            let rows = try await connection.query("""
                INSERT INTO api_keys AS k (user_id, organisation_id, name, prefix, last4, hash, capabilities, created_by, expires_at, allowed_cidrs)
                VALUES (\(targetID), \(organisationID), \(name), \(generated.prefix), \(generated.last4),
                        \(Data(generated.digest.bytes)), \(request.capabilities.names), \(issuerID), \(request.expiresAt),
                        \(request.allowedCIDRs.map(\.description)))
                RETURNING \(KeyRecord.columns)
                """)
            let record = try KeyRecord(row: rows[0])
            var detail = ["user": request.username, "name": name, "prefix": record.prefix,
                          "capabilities": request.capabilities.description, "decision": decision.code.rawValue,
                          "via": request.via]
            if !record.allowedCIDRs.isEmpty { detail["allowed_cidrs"] = record.allowedCIDRs.map(\.description).joined(separator: " ") }
            if let exchange = request.exchange {
                detail["sso_issuer"] = exchange.issuer
                detail["sso_subject"] = exchange.subject
            }
            try await AuditLog.record(
                "key.issued", actor: issuerID, organisation: organisationID, target: record.id.uuidString,
                detail: detail, ip: request.ip, on: connection)
            return record
        }
        dependents.evict(userID: record.userID)
        logger.info("issued key", metadata: ["key": "\(record.id)", "prefix": "\(record.prefix)", "user": "\(record.userID)"])
        return IssuedKey(secret: generated.secret, record: record)
    }

    /// The target user's id and tier. For a tier with an active-key limit, the row is locked for
    /// the transaction, so concurrent issuances for one user are serialised and the limit holds
    /// under races; a tier without one (enterprise) needs no lock, so its issuances (SSO
    /// exchanges, say) run side by side.
    static func target(_ username: String, on connection: PGConnection) async throws -> (Int64, Tier) {
        let rows = try await connection.query("SELECT id, tier FROM users WHERE username = \(username)")
        guard let row = rows.first else { throw VaultError.userNotFound(username) }
        let id = try row.decode(Int64.self, at: 0)
        let tier = try PrincipalLoader.tier(row.decode(String.self, at: 1))
        guard tier.activeKeyLimit != nil else { return (id, tier) }
        // Locked, then read again: the tier may have changed in between.
        let locked = try await connection.query("SELECT tier FROM users WHERE id = \(id) FOR UPDATE")
        guard let lockedTier = try locked.first.map({ try PrincipalLoader.tier($0.decode(String.self, at: 0)) }) else {
            throw VaultError.userNotFound(username)
        }
        return (id, lockedTier)
    }

    /// Uses up an exchanged ID token (in issuance's transaction, so a refused issuance leaves it
    /// usable), and forgets a few tokens past their use.
    static func claim(_ exchange: SSOExchange, on connection: PGConnection) async throws {
        let claimed = try await connection.query("""
            WITH stale AS (
                DELETE FROM sso_exchanged_tokens WHERE token_hash IN (
                    SELECT token_hash FROM sso_exchanged_tokens WHERE expires_at < now() LIMIT 16 FOR UPDATE SKIP LOCKED))
            INSERT INTO sso_exchanged_tokens (token_hash, expires_at) VALUES (\(Data(exchange.replayDigest.bytes)), \(exchange.usableUntil))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
        guard !claimed.isEmpty else { throw VaultError.replayed }
    }

    /// The principal an issuer acts as, and the user id to record (nil for the operator).
    func issuerPrincipal(_ issuer: KeyIssuer, on connection: PGConnection) async throws -> (UserPrincipal, Int64?) {
        switch issuer {
        case .platformOperator:
            return (Self.operatorPrincipal, nil)
        case .user(let username):
            let rows = try await connection.query("SELECT id FROM users WHERE username = \(username)")
            guard let id = try rows.first?.decode(Int64.self, at: 0),
                  let (principal, isActive) = try await PrincipalLoader.principal(userID: id, on: connection) else {
                throw VaultError.userNotFound(username)
            }
            guard isActive else {
                throw VaultError.invalidInput("the issuing user \(username) is inactive")
            }
            return (principal, id)
        }
    }
}

extension Vault {
    /// What `key.issue` judges for a key of user `targetID`: their memberships, teams and active
    /// keys; `nil` when no such user exists. For the decision API's `key.issue` questions.
    public func issuanceFacts(targetID: Int64, organisationID: Int64?, capabilities: Capabilities) async throws -> KeyIssuanceFacts? {
        try await pool.withConnection { connection in
            let rows = try await connection.query("SELECT tier FROM users WHERE id = \(targetID)")
            guard let tier = try rows.first.map({ try PrincipalLoader.tier($0.decode(String.self, at: 0)) }) else { return nil }
            return try await Self.issuanceFacts(targetID: targetID, tier: tier, organisationID: organisationID, capabilities: capabilities, on: connection)
        }
    }

    /// Reads the issuance facts of `targetID` on `connection` (inside issuance's transaction).
    static func issuanceFacts(
        targetID: Int64, tier: Tier, organisationID: Int64?, capabilities: Capabilities, on connection: PGConnection
    ) async throws -> KeyIssuanceFacts {
        let facts = try await connection.query("""
            SELECT ARRAY(SELECT organisation_id FROM organisation_memberships WHERE user_id = \(targetID)
                         UNION SELECT id FROM organisations WHERE owner_id = \(targetID)),
                   ARRAY(SELECT team_id FROM team_memberships WHERE user_id = \(targetID)),
                   (SELECT count(*) FROM api_keys WHERE user_id = \(targetID) AND revoked_at IS NULL
                                                  AND (expires_at IS NULL OR expires_at > now()))
            """)[0]
        return KeyIssuanceFacts(
            targetUserID: targetID,
            targetTier: tier,
            targetOrganisationIDs: IDSet(try facts.decode([Int64].self, at: 0)),
            targetTeamIDs: IDSet(try facts.decode([Int64].self, at: 1)),
            organisationID: organisationID,
            requestedCapabilities: capabilities,
            activeKeyCount: try facts.decode(Int.self, at: 2)
        )
    }
}
