import Foundation
import Policy
import Postgres

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
    /// The request's terms are checked first, unless they were (``KeyTerms``). An SSO exchange
    /// (enterprise: no limit, and many at once) is one read and the insert. Any other issuance
    /// is one transaction that first locks the target user's row and reads them once, with their
    /// memberships: concurrent issuances for one user are serialised, so the limit holds under
    /// races. The issuer is read only when they are not the target.
    public func issue(_ request: KeyIssueRequest) async throws -> IssuedKey {
        let terms = try request.checkedTerms()
        let selected = try await selectedObjects(of: request)
        let generated = try KeyFormat.generate(.live)
        let record: KeyRecord
        if let exchanged = try await issueExchanged(request, terms: terms, generated: generated) {
            record = exchanged
        } else {
            record = try await pool.withTransaction { connection in
                let target = try await Self.target(request.user, organisation: request.organisation, team: request.team, locking: true, on: connection)
                let activeKeys = try await target.tier.activeKeyLimit.asyncMap { limit in
                    try await Self.activeKeys(of: target.id, upTo: limit, on: connection)
                }
                let (issuer, issuerID) = target.isIssuer(request.issuer)
                    ? (try target.activeIssuer(), target.id)
                    : try await issuerPrincipal(request.issuer, on: connection)
                let approvedIn = try await request.approvedRequest.asyncMap { id in
                    try await Self.claimApproval(id, for: target, issuerID: issuerID, on: connection)
                }
                let record = try await insert(
                    request, terms: terms, generated: generated, issuance: target.facts(request.requestedCapabilities, activeKeyCount: activeKeys ?? 0),
                    for: target, selecting: selected, by: issuer, issuerID: issuerID, on: connection)
                if let id = request.approvedRequest, let organisation = approvedIn {
                    guard record.organisationID == organisation else { throw VaultError.keyRequestClosed("the key request was not approved for this issuance") }
                    try await Self.markCollected(id, key: record.id, userID: target.id, organisationID: organisation, via: request.via, ip: request.ip, on: connection)
                }
                return record
            }
        }
        dependents.evict(userID: record.userID)
        logger.info("issued key", metadata: ["key": "\(record.id)", "prefix": "\(record.prefix)", "user": "\(record.userID)"])
        return IssuedKey(secret: generated.secret, record: record)
    }

    /// An SSO exchange by a user on a tier without an active-key limit: one read of everything
    /// the rule needs, then the one atomic statement, with no transaction around them (no limit
    /// to hold under races, so nothing to lock). `nil` when the request is no such issuance: the
    /// transaction then judges it.
    private func issueExchanged(_ request: KeyIssueRequest, terms: KeyTerms, generated: ParsedKey) async throws -> KeyRecord? {
        guard request.exchange != nil, request.approvedRequest == nil, request.team == nil, request.permissions == nil, request.issuer.names(request.user) else { return nil }
        return try await pool.withConnection { connection -> KeyRecord? in
            let target = try await Self.target(request.user, organisation: request.organisation, team: request.team, locking: false, on: connection)
            guard target.tier.activeKeyLimit == nil else { return nil }
            return try await insert(
                request, terms: terms, generated: generated, issuance: target.facts(request.capabilities, activeKeyCount: 0),
                for: target, selecting: nil, by: target.activeIssuer(), issuerID: target.id, on: connection)
        }
    }

    /// Judges `key.issue` for `issuer`, then in one statement uses up the exchanged token (if
    /// any), inserts the key and audits it. A token already used inserts nothing: `replayed`.
    private func insert(
        _ request: KeyIssueRequest, terms: KeyTerms, generated: ParsedKey, issuance facts: KeyIssuanceFacts,
        for target: Target, selecting selected: SelectedObjects?, by issuer: UserPrincipal, issuerID: Int64?, on connection: PGConnection
    ) async throws -> KeyRecord {
        let username = target.username
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
        if let organisationID {
            try await Self.checkPolicy(of: organisationID, for: target, by: request.issuer, terms: terms,
                                       capabilities: request.requestedCapabilities, approved: request.approvedRequest != nil, on: connection)
        }
        let permissions = try selected.map { selected in
            var key = target.principal
            key.keyOrganisationID = organisationID
            key.keyTeamID = teamID
            return try KeyPermissions.checked(verbs: request.permissions?.verbs ?? [:], ids: selected.ids(visibleTo: key, engine: engine))
        } ?? request.permissions

        let keyID = UUID()
        var detail = ["user": username, "name": terms.name, "prefix": generated.prefix,
                      "capabilities": request.requestedCapabilities.description, "decision": decision.code.rawValue,
                      "via": request.via]
        if let permissions {
            detail["permissions"] = permissions.permissionsJSON
            if let resources = permissions.resourcesJSON { detail["resources"] = resources }
        }
        var auditOrganisation = organisationID
        if let teamID {
            detail["team"] = String(teamID)
            auditOrganisation = try await connection.query("SELECT organisation_id FROM teams WHERE id = \(teamID)").first?.decode(Int64?.self, at: 0) ?? nil
        }
        if !terms.allowedCIDRs.isEmpty { detail["allowed_cidrs"] = terms.allowedCIDRs.map(\.description).joined(separator: " ") }
        if let exchange = request.exchange {
            detail["issuer"] = exchange.issuer
            detail["sub"] = exchange.subject
        }
        let rows = try await connection.query("""
            WITH \(request.exchange.map(Self.claim) ?? "claimed AS (SELECT 1)"),
            inserted AS (
                INSERT INTO api_keys AS k (id, user_id, organisation_id, team_id, name, prefix, last4, hash, capabilities, created_by, expires_at,
                                           allowed_cidrs, meta, rate_limit, permissions, resources)
                SELECT \(keyID), \(issuance.targetUserID), \(organisationID), \(teamID), \(terms.name), \(generated.prefix), \(generated.last4),
                       \(Data(generated.digest.bytes)), \(request.requestedCapabilities.names), \(issuerID), \(terms.expiresAt),
                       \(terms.allowedCIDRs.map(\.description)), \(request.meta?.json)::json, \(request.rateLimit?.description),
                       \(permissions?.permissionsJSON)::jsonb, \(permissions?.resourcesJSON)::jsonb
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

    /// Refuses (``VaultError/policyViolation(_:)``, words naming the rule) a key confined to
    /// organisation `id` that would break its key policy (SPEC §14): the terms' rules for every
    /// issuer; `require_approval` for a target who does not administer the organisation, unless
    /// the operator issues (the command line without `--by`: the break-glass) or the issuance
    /// collects an `approved` key request (checked under its lock: ``claimApproval(_:for:issuerID:on:)``).
    static func checkPolicy(
        of id: Int64, for target: Target, by issuer: KeyIssuer, terms: KeyTerms, capabilities: Capabilities, approved: Bool = false,
        on connection: PGConnection
    ) async throws {
        let policy = try await KeyPolicy.read(organisation: id, on: connection)
        guard !policy.isOpen else { return }
        if policy.requireApproval, !approved, issuer != .platformOperator, !target.principal.administersOrganisation(id) {
            throw VaultError.policyViolation(KeyPolicy.approvalRequired)
        }
        if let why = policy.violation(expiresAt: terms.expiresAt, allowedCIDRs: terms.allowedCIDRs, capabilities: capabilities) {
            throw VaultError.policyViolation(why)
        }
    }

    /// The objects `request` selects, looked up before its transaction; `nil` when it selects
    /// none. Also checks the permissions name only known types, and verbs only.
    private func selectedObjects(of request: KeyIssueRequest) async throws -> SelectedObjects? {
        if let permissions = request.permissions {
            guard permissions.ids.isEmpty else { throw VaultError.invalidInput("a key's selected resources are given as resources") }
            do { try engine.validate(permissions) } catch { throw VaultError.invalidInput(error.description) }
        }
        guard !request.resources.isEmpty else { return nil }
        guard request.permissions != nil else {
            throw VaultError.invalidInput("resources select objects of types the key's permissions name; give permissions too")
        }
        let userID: Int64
        switch request.user {
        case .id(let id): userID = id
        case .name(let name):
            let rows = try await pool.query("SELECT id FROM users WHERE username = \(name)")
            guard let id = try rows.first?.decode(Int64.self, at: 0) else { throw VaultError.userNotFound(name) }
            userID = id
        }
        return try await SelectedObjects.lookUp(request.resources, through: request.selections, userID: userID)
    }

    /// The target of an issuance, read once: the user with their memberships, and the
    /// organisation and team the request names.
    struct Target {
        var id: Int64
        var username: String
        var tier: Tier
        var isActive: Bool
        /// The user as the policy sees them (key capabilities the default).
        var principal: UserPrincipal
        var organisationID: Int64?
        var teamID: Int64?

        /// Whether `issuer` is this user.
        func isIssuer(_ issuer: KeyIssuer) -> Bool {
            switch issuer {
            case .platformOperator: false
            case .user(let name): name == username
            case .userID(let id): id == self.id
            }
        }

        /// The user as the issuer of their own key: refused when inactive.
        func activeIssuer() throws -> UserPrincipal {
            guard isActive else { throw VaultError.invalidInput("the issuing user \(username) is inactive") }
            return principal
        }

        /// What `key.issue` judges of this user for a key with `capabilities`.
        func facts(_ capabilities: Capabilities, activeKeyCount: Int) -> KeyIssuanceFacts {
            KeyIssuanceFacts(
                targetUserID: id, targetTier: tier, targetOrganisationIDs: IDSet(principal.organisationIDs),
                targetTeamIDs: IDSet(principal.teamRoles.ids), organisationID: organisationID, teamID: teamID,
                requestedCapabilities: capabilities, activeKeyCount: activeKeyCount)
        }
    }

    /// Reads the target of an issuance in one statement: the `user` (by id or username) with
    /// their memberships, and the ids of the `organisation` and `team` the request names (if any,
    /// by id or slug). With `locking`, the user's row is locked for the transaction first
    /// (`FOR UPDATE`), so the tier read is the one that holds until it commits.
    static func target(
        _ user: KeyIssueRequest.Reference, organisation: KeyIssueRequest.Reference?, team: KeyIssueRequest.Reference?,
        locking: Bool, on connection: PGConnection
    ) async throws -> Target {
        let lock: PGQuery = locking ? " FOR UPDATE OF u" : ""
        let rows = try await connection.query("""
            SELECT u.id, u.username, u.tier, u.is_active, u.is_staff,
                   \(Self.id(in: "organisations", of: organisation)) AS organisation, \(Self.id(in: "teams", of: team)) AS team,
                   \(PrincipalLoader.membershipColumns("u.id"))
            FROM users u WHERE \(user.matching(id: "u.id", name: "u.username"))\(lock)
            """)
        guard let row = rows.first else { throw VaultError.userNotFound(user.description) }
        let id = try row.decode(Int64.self, named: "id"), tier = try PrincipalLoader.tier(row.decode(String.self, named: "tier"))
        let target = Target(
            id: id, username: try row.decode(String.self, named: "username"), tier: tier, isActive: try row.decode(Bool.self, named: "is_active"),
            principal: try PrincipalLoader.principal(row: row, userID: id, tier: tier, isStaff: row.decode(Bool.self, named: "is_staff")),
            organisationID: try row.decode(Int64?.self, named: "organisation"), teamID: try row.decode(Int64?.self, named: "team"))
        if let organisation, target.organisationID == nil { throw VaultError.organisationNotFound(organisation.description) }
        if let team, target.teamID == nil { throw VaultError.invalidInput("no such team: \(team.description)") }
        return target
    }

    /// A subquery of the id of the organisation or team (`table`) that `reference` names by id or
    /// slug; `NULL` without one.
    private static func id(in table: StaticString, of reference: KeyIssueRequest.Reference?) -> PGQuery {
        guard let reference else { return "NULL::bigint" }
        return PGQuery(stringLiteral: "(SELECT id FROM \(table) WHERE ") + reference.matching(id: "id", name: "slug") + ")"
    }

    /// How many active (unrevoked, unexpired) keys user `userID` holds, counted only as far as
    /// `limit` matters. Under the target's lock, in a statement of its own: it sees every
    /// issuance the lock waited for.
    static func activeKeys(of userID: Int64, upTo limit: Int, on connection: PGConnection) async throws -> Int {
        try await connection.query("""
            SELECT count(*) FROM (SELECT 1 FROM api_keys WHERE user_id = \(userID) AND revoked_at IS NULL
                                         AND (expires_at IS NULL OR expires_at > now()) LIMIT \(limit + 1)) AS active
            """)[0].decode(Int.self, at: 0)
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
        let condition: PGQuery
        switch issuer {
        case .platformOperator: return (Self.operatorPrincipal, nil)
        case .user(let username): condition = "u.username = \(username)"
        case .userID(let id): condition = "u.id = \(id)"
        }
        guard let (principal, id, username, isActive) = try await PrincipalLoader.principal(where: condition, on: connection) else {
            throw VaultError.userNotFound(issuer.description)
        }
        guard isActive else {
            throw VaultError.invalidInput("the issuing user \(username) is inactive")
        }
        return (principal, id)
    }
}

extension Vault {
    /// What `key.issue` judges for a key of user `targetID`: their memberships, teams and active
    /// keys; `nil` when no such user exists. For the decision API's `key.issue` questions.
    public func issuanceFacts(targetID: Int64, organisationID: Int64?, teamID: Int64? = nil, capabilities: Capabilities) async throws -> KeyIssuanceFacts? {
        try await pool.withConnection { connection in
            let target: Target
            do {
                target = try await Self.target(.id(targetID), organisation: nil, team: nil, locking: false, on: connection)
            } catch VaultError.userNotFound {
                return nil
            }
            let activeKeys = try await target.tier.activeKeyLimit.asyncMap { try await Self.activeKeys(of: targetID, upTo: $0, on: connection) }
            var facts = target.facts(capabilities, activeKeyCount: activeKeys ?? 0)
            facts.organisationID = organisationID
            facts.teamID = teamID
            return facts
        }
    }
}

extension KeyIssueRequest.Reference: CustomStringConvertible {
    /// The id or name, as a refusal names it.
    public var description: String {
        switch self {
        case .id(let id): String(id)
        case .name(let name): name
        }
    }

    /// `id = $n` or `name = $n`, for the columns `id` and `name` (written by this module, never
    /// input).
    func matching(id: StaticString, name: StaticString) -> PGQuery {
        switch self {
        case .id(let value): PGQuery(stringLiteral: "\(id) = ") + "\(value)"
        case .name(let value): PGQuery(stringLiteral: "\(name) = ") + "\(value)"
        }
    }
}

extension KeyIssuer: CustomStringConvertible {
    /// The username or id, as a refusal names it (`operator` for the operator).
    public var description: String {
        switch self {
        case .platformOperator: "operator"
        case .user(let name): name
        case .userID(let id): String(id)
        }
    }

    /// Whether this issuer is, by how it is named, the user `reference` names.
    func names(_ reference: KeyIssueRequest.Reference) -> Bool {
        switch (self, reference) {
        case (.user(let name), .name(let other)): name == other
        case (.userID(let id), .id(let other)): id == other
        default: false
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
