import Foundation
import Policy
import Postgres

/// What to issue.
public struct KeyIssueRequest: Sendable {
    public var username: String
    public var name: String
    public var organisationSlug: String?
    /// The team whose admin issues the key (the console's team page, `--team`), if any: the key
    /// is then confined to it (SPEC §2).
    public var teamSlug: String?
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
        username: String, name: String, organisationSlug: String? = nil, teamSlug: String? = nil,
        capabilities: Capabilities = .default, expiresAt: Date? = nil, issuer: KeyIssuer = .platformOperator,
        via: String = "cli", ip: String? = nil, allowedCIDRs: [AddressRange] = []
    ) {
        self.allowedCIDRs = allowedCIDRs
        self.username = username
        self.name = name
        self.organisationSlug = organisationSlug
        self.teamSlug = teamSlug
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
        let record: KeyRecord
        if let unlocked = try await issueUnlocked(request, name: name, generated: generated) {
            record = unlocked
        } else {
            record = try await pool.withTransaction { connection in
                let target = try await Self.target(request, on: connection)
                let issuance = try await Self.issuanceFacts(
                    targetID: target.id, tier: target.tier, organisationID: target.organisationID, teamID: target.teamID,
                    capabilities: request.capabilities, on: connection)
                let (issuer, issuerID) = try await issuerPrincipal(request.issuer, on: connection)
                return try await insert(request, name: name, generated: generated, issuance: issuance, by: issuer, issuerID: issuerID, on: connection)
            }
        }
        dependents.evict(userID: record.userID)
        logger.info("issued key", metadata: ["key": "\(record.id)", "prefix": "\(record.prefix)", "user": "\(record.userID)"])
        return IssuedKey(secret: generated.secret, record: record)
    }

    /// A user issuing their own key on a tier without an active-key limit (an SSO exchange, a
    /// console user): one read of everything the rule needs, then the one atomic statement, with
    /// no transaction around them (no limit to hold under races, so nothing to lock). `nil` when
    /// the request is not such an issuance: the general path then judges it.
    private func issueUnlocked(_ request: KeyIssueRequest, name: String, generated: ParsedKey) async throws -> KeyRecord? {
        guard case .user(let issuerName) = request.issuer, issuerName == request.username, request.teamSlug == nil else { return nil }
        return try await pool.withConnection { connection -> KeyRecord? in
            let rows = try await connection.query("""
                SELECT u.id, u.tier, u.is_active, u.is_staff, (SELECT id FROM organisations WHERE slug = \(request.organisationSlug)) AS organisation,
                       \(PrincipalLoader.membershipColumns("u.id"))
                FROM users u WHERE u.username = \(request.username)
                """)
            guard let row = rows.first else { throw VaultError.userNotFound(request.username) }
            let tier = try PrincipalLoader.tier(row.decode(String.self, named: "tier"))
            guard tier.activeKeyLimit == nil else { return nil }
            let organisationID = try row.decode(Int64?.self, named: "organisation")
            if let slug = request.organisationSlug, organisationID == nil { throw VaultError.organisationNotFound(slug) }
            guard try row.decode(Bool.self, named: "is_active") else {
                throw VaultError.invalidInput("the issuing user \(request.username) is inactive")
            }
            let id = try row.decode(Int64.self, named: "id")
            let user = try PrincipalLoader.principal(row: row, userID: id, tier: tier, isStaff: row.decode(Bool.self, named: "is_staff"))
            let issuance = KeyIssuanceFacts(
                targetUserID: id, targetTier: tier, targetOrganisationIDs: IDSet(user.organisationIDs),
                targetTeamIDs: IDSet(user.teamRoles.ids), organisationID: organisationID,
                requestedCapabilities: request.capabilities, activeKeyCount: 0)
            return try await insert(request, name: name, generated: generated, issuance: issuance, by: user, issuerID: id, on: connection)
        }
    }

    /// Judges `key.issue` for `issuer`, then in one statement uses up the exchanged token (if
    /// any), inserts the key and audits it. A token already used inserts nothing: `replayed`.
    private func insert(
        _ request: KeyIssueRequest, name: String, generated: ParsedKey, issuance facts: KeyIssuanceFacts,
        by issuer: UserPrincipal, issuerID: Int64?, on connection: PGConnection
    ) async throws -> KeyRecord {
        var issuance = facts
        if let exchange = request.exchange {
            issuance.isSSOExchange = true
            issuance.ssoCapabilities = exchange.trustCapabilities
        }
        let decision = engine.decide(.user(issuer), .keyIssue, .keyIssuance(issuance))
        if decision.code == .denyAmbiguousAuthority { throw VaultError.invalidInput(decision.reasons.joined(separator: " ")) }
        guard decision.isAllowed else { throw VaultError.denied(decision) }
        // SPEC §2: the key reaches no further than the authority that allowed it.
        let confinement = KeyRules.confinement(of: issuance, by: issuer)
        var organisationID: Int64?, teamID: Int64?
        switch confinement {
        case .organisation(let id): organisationID = id
        case .team(let id): teamID = id
        case nil: break
        }

        let keyID = UUID()
        var detail = ["user": request.username, "name": name, "prefix": generated.prefix,
                      "capabilities": request.capabilities.description, "decision": decision.code.rawValue,
                      "via": request.via]
        var auditOrganisation = organisationID
        if let teamID {
            detail["team"] = String(teamID)
            auditOrganisation = try await connection.query("SELECT organisation_id FROM teams WHERE id = \(teamID)").first?.decode(Int64?.self, at: 0) ?? nil
        }
        if !request.allowedCIDRs.isEmpty { detail["allowed_cidrs"] = request.allowedCIDRs.map(\.description).joined(separator: " ") }
        if let exchange = request.exchange {
            detail["sso_issuer"] = exchange.issuer
            detail["sso_subject"] = exchange.subject
        }
        let rows = try await connection.query("""
            WITH \(request.exchange.map(Self.claim) ?? "claimed AS (SELECT 1)"),
            inserted AS (
                INSERT INTO api_keys AS k (id, user_id, organisation_id, team_id, name, prefix, last4, hash, capabilities, created_by, expires_at, allowed_cidrs)
                SELECT \(keyID), \(issuance.targetUserID), \(organisationID), \(teamID), \(name), \(generated.prefix), \(generated.last4),
                       \(Data(generated.digest.bytes)), \(request.capabilities.names), \(issuerID), \(request.expiresAt),
                       \(request.allowedCIDRs.map(\.description))
                WHERE EXISTS (SELECT 1 FROM claimed)
                RETURNING \(KeyRecord.columns)),
            audited AS (\(AuditLog.insert(
                "key.issued", actor: issuerID, organisation: auditOrganisation, target: keyID.uuidString.lowercased(), detail: detail, ip: request.ip,
                when: "EXISTS (SELECT 1 FROM inserted)")))
            SELECT * FROM inserted
            """)
        guard let row = rows.first else { throw VaultError.replayed }
        return try KeyRecord(row: row)
    }

    /// The target of an issuance: the user's id and tier, and the organisation and team the
    /// request names.
    struct Target {
        var id: Int64
        var tier: Tier
        var organisationID: Int64?
        var teamID: Int64?
    }

    /// The target user's id and tier. For a tier with an active-key limit, the row is locked for
    /// the transaction, so concurrent issuances for one user are serialised and the limit holds
    /// under races; a tier without one (enterprise) needs no lock, so its issuances (SSO
    /// exchanges, say) run side by side.
    ///
    /// Read with the ids of the organisation and team the request names (if any), in one query.
    static func target(_ request: KeyIssueRequest, on connection: PGConnection) async throws -> Target {
        let rows = try await connection.query("""
            SELECT id, tier, (SELECT id FROM organisations WHERE slug = \(request.organisationSlug)),
                   (SELECT id FROM teams WHERE slug = \(request.teamSlug))
            FROM users WHERE username = \(request.username)
            """)
        guard let row = rows.first else { throw VaultError.userNotFound(request.username) }
        var target = Target(
            id: try row.decode(Int64.self, at: 0), tier: try PrincipalLoader.tier(row.decode(String.self, at: 1)),
            organisationID: try row.decode(Int64?.self, at: 2), teamID: try row.decode(Int64?.self, at: 3))
        if let slug = request.organisationSlug, target.organisationID == nil { throw VaultError.organisationNotFound(slug) }
        if let slug = request.teamSlug, target.teamID == nil { throw VaultError.invalidInput("no such team: \(slug)") }
        if target.tier.activeKeyLimit != nil {
            // Locked, then read again: the tier may have changed in between.
            let locked = try await connection.query("SELECT tier FROM users WHERE id = \(target.id) FOR UPDATE")
            guard let lockedTier = try locked.first.map({ try PrincipalLoader.tier($0.decode(String.self, at: 0)) }) else {
                throw VaultError.userNotFound(request.username)
            }
            target.tier = lockedTier
        }
        return target
    }

    /// The `WITH` items that use up an exchanged ID token (in issuance's statement, so a refused
    /// issuance leaves it usable) and forget a few tokens past their use; `claimed` holds a row
    /// only when the token was not used before.
    static func claim(_ exchange: SSOExchange) -> PGQuery {
        """
        stale AS (
            DELETE FROM sso_exchanged_tokens WHERE token_hash = ANY(ARRAY(
                SELECT token_hash FROM sso_exchanged_tokens WHERE expires_at < now() ORDER BY expires_at LIMIT 16 FOR UPDATE SKIP LOCKED))),
        claimed AS (
            INSERT INTO sso_exchanged_tokens (token_hash, expires_at) VALUES (\(Data(exchange.replayDigest.bytes)), \(exchange.usableUntil))
            ON CONFLICT DO NOTHING RETURNING 1)
        """
    }

    /// The principal an issuer acts as, and the user id to record (nil for the operator).
    func issuerPrincipal(_ issuer: KeyIssuer, on connection: PGConnection) async throws -> (UserPrincipal, Int64?) {
        switch issuer {
        case .platformOperator:
            return (Self.operatorPrincipal, nil)
        case .user(let username):
            guard let (principal, id, isActive) = try await PrincipalLoader.principal(username: username, on: connection) else {
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
    public func issuanceFacts(targetID: Int64, organisationID: Int64?, teamID: Int64? = nil, capabilities: Capabilities) async throws -> KeyIssuanceFacts? {
        try await pool.withConnection { connection in
            let rows = try await connection.query("SELECT tier FROM users WHERE id = \(targetID)")
            guard let tier = try rows.first.map({ try PrincipalLoader.tier($0.decode(String.self, at: 0)) }) else { return nil }
            return try await Self.issuanceFacts(
                targetID: targetID, tier: tier, organisationID: organisationID, teamID: teamID, capabilities: capabilities, on: connection)
        }
    }

    /// Reads the issuance facts of `targetID` on `connection` (inside issuance's transaction).
    static func issuanceFacts(
        targetID: Int64, tier: Tier, organisationID: Int64?, teamID: Int64?, capabilities: Capabilities, on connection: PGConnection
    ) async throws -> KeyIssuanceFacts {
        // Active keys are counted only as far as the tier's limit matters: an enterprise user
        // with thousands of SSO keys behind them costs nothing to count.
        let countUpTo = (tier.activeKeyLimit ?? -1) + 1
        let facts = try await connection.query("""
            SELECT ARRAY(SELECT organisation_id FROM organisation_memberships WHERE user_id = \(targetID)
                         UNION SELECT id FROM organisations WHERE owner_id = \(targetID)),
                   ARRAY(SELECT team_id FROM team_memberships WHERE user_id = \(targetID)),
                   (SELECT count(*) FROM (SELECT 1 FROM api_keys WHERE user_id = \(targetID) AND revoked_at IS NULL
                                                  AND (expires_at IS NULL OR expires_at > now()) LIMIT \(countUpTo)) AS active)
            """)[0]
        return KeyIssuanceFacts(
            targetUserID: targetID,
            targetTier: tier,
            targetOrganisationIDs: IDSet(try facts.decode([Int64].self, at: 0)),
            targetTeamIDs: IDSet(try facts.decode([Int64].self, at: 1)),
            organisationID: organisationID,
            teamID: teamID,
            requestedCapabilities: capabilities,
            activeKeyCount: try facts.decode(Int.self, at: 2)
        )
    }
}
