import Foundation
import Policy
import Postgres

/// Key requests (SPEC §14): a member who is not an admin of an organisation that requires
/// approval asks for a key; an admin approves or denies it; the requester collects the key,
/// which is issued then by ``issue(_:)`` as the approving admin's issuance — the same rules and
/// policy checks as any other (``checkPolicy(of:for:by:terms:capabilities:approved:on:)`` lets
/// the approval stand for `require_approval`, nothing else). Each step is audited in the
/// organisation (`key.requested`, `key.request_approved`, `key.request_denied`, `key.collected`);
/// the audit trigger turns the first three into webhooks, and the collection's `key.issued` is one.
extension Vault {
    /// Records user `userID`'s request for a key in `organisation` with `terms`, `capabilities`
    /// and `reason` (1–1000 characters). Refused unless the user is an active member who is not
    /// an admin, the organisation's policy requires approval, the shape keeps the policy and the
    /// member has fewer than ``KeyRequest/openLimit`` open requests there. An organisation the
    /// user does not belong to is not found, as one that does not exist.
    public func requestKey(
        userID: Int64, organisation: KeyIssueRequest.Reference, terms: KeyTerms, capabilities: Capabilities, reason: String,
        via: String, ip: String? = nil
    ) async throws -> KeyRequest {
        let reason = try Self.checkedText(reason, "reason", required: true) ?? ""
        guard !capabilities.isEmpty else { throw VaultError.invalidInput("a key request asks for at least one capability") }
        return try await pool.withTransaction { connection in
            // The requester's row is locked: concurrent requests count each other.
            let target = try await Self.target(.id(userID), organisation: organisation, team: nil, locking: true, on: connection)
            guard let organisationID = target.organisationID, target.principal.belongsToOrganisation(organisationID) else {
                throw VaultError.organisationNotFound(organisation.description)
            }
            _ = try target.activeIssuer()
            let policy = try await KeyPolicy.read(organisation: organisationID, on: connection)
            guard policy.requireApproval else {
                throw VaultError.invalidInput("the organisation's key policy does not require approval (require_approval): generate the key directly")
            }
            guard !target.principal.administersOrganisation(organisationID) else {
                throw VaultError.invalidInput("you administer the organisation: issue the key directly; requests are for members who are not admins")
            }
            if let why = policy.violation(expiresAt: terms.expiresAt, allowedCIDRs: terms.allowedCIDRs, capabilities: capabilities) {
                throw VaultError.policyViolation(why)
            }
            let open = try await connection.query("""
                SELECT count(*) FROM key_requests WHERE user_id = \(userID) AND organisation_id = \(organisationID)
                    AND status IN ('pending', 'approved') AND expires_at > now()
                """)[0].decode(Int.self, at: 0)
            guard open < KeyRequest.openLimit else {
                throw VaultError.invalidInput("you have \(open) open key requests in this organisation, the most allowed: wait for a decision")
            }
            let id = try await connection.query("""
                INSERT INTO key_requests (organisation_id, user_id, name, key_expires_at, capabilities, allowed_cidrs, reason)
                VALUES (\(organisationID), \(userID), \(terms.name), \(terms.expiresAt), \(capabilities.names),
                        \(terms.allowedCIDRs.map(\.description)), \(reason))
                RETURNING id
                """)[0].decode(UUID.self, at: 0)
            let request = try await Self.keyRequest(id, on: connection)
            var detail = request.auditDetail
            detail["via"] = via
            try await AuditLog.record("key.requested", actor: userID, organisation: organisationID, target: request.auditTarget,
                                      detail: detail, ip: ip, on: connection)
            return request
        }
    }

    /// The key requests of organisation `id`, newest first (at most 200).
    public func keyRequests(organisationID id: Int64) async throws -> [KeyRequest] {
        try await pool.query("SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined) WHERE r.organisation_id = \(id) ORDER BY r.created_at DESC, r.id LIMIT 200")
            .map(KeyRequest.init(row:))
    }

    /// User `userID`'s key requests, newest first (at most 200); with `organisationID`, only
    /// those made in it.
    public func keyRequests(userID: Int64, organisationID: Int64? = nil) async throws -> [KeyRequest] {
        try await pool.query("""
            SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined)
            WHERE r.user_id = \(userID) AND (\(organisationID)::bigint IS NULL OR r.organisation_id = \(organisationID))
            ORDER BY r.created_at DESC, r.id LIMIT 200
            """).map(KeyRequest.init(row:))
    }

    /// Approves (`approve`) or denies request `id` of organisation `organisationID`, by user
    /// `deciderID` with an optional `note` (at most 1000 characters). The decider must be an
    /// active admin or owner of the organisation and not the requester (403); the request must
    /// be pending and unexpired (409). An approval is refused as the issuance would be now: a
    /// shape that breaks the current policy (400 `POLICY_VIOLATION`), a grant the decider may not
    /// make or a requester who left (403). A request of another organisation is not found.
    public func decideKeyRequest(
        _ id: UUID, organisationID: Int64, approve: Bool, note: String?, by deciderID: Int64, via: String, ip: String? = nil
    ) async throws -> KeyRequest {
        let note = try Self.checkedText(note ?? "", "note", required: false)
        return try await pool.withTransaction { connection in
            guard let row = try await connection.query("""
                SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined) WHERE r.id = \(id) AND r.organisation_id = \(organisationID) FOR UPDATE OF r
                """).first else { throw VaultError.keyRequestNotFound }
            let request = try KeyRequest(row: row)
            let (decider, _) = try await issuerPrincipal(.userID(deciderID), on: connection)
            guard decider.administersOrganisation(organisationID) else {
                throw VaultError.denied(.deny(.denyRole, "Only an admin or owner of the organisation may decide its key requests."))
            }
            guard request.userID != deciderID else {
                throw VaultError.denied(.deny(.denyRole, "Nobody decides their own key request: another admin must."))
            }
            let status = request.status()
            guard status == .pending else { throw VaultError.keyRequestClosed("the key request is \(status.rawValue): it can no longer be decided") }
            if approve { try await checkIssuable(request, by: decider, on: connection) }
            try await connection.execute("""
                UPDATE key_requests SET status = \(approve ? "approved" : "denied"), decided_by = \(deciderID), decided_at = now(), note = \(note)
                WHERE id = \(id)
                """)
            let decided = try await Self.keyRequest(id, on: connection)
            var detail = decided.auditDetail
            detail["via"] = via
            if let note { detail["note"] = note }
            try await AuditLog.record(approve ? "key.request_approved" : "key.request_denied", actor: deciderID, organisation: organisationID,
                                      target: decided.auditTarget, detail: detail, ip: ip, on: connection)
            return decided
        }
    }

    /// Issues the key of user `userID`'s approved request `id` and returns it (the raw key shown
    /// this once). The issuance is the approving admin's, judged now like any other; it marks the
    /// request collected and audits `key.collected` in the same transaction, under a lock on the
    /// request, so a request is collected once. Refused when the request is not approved, is
    /// collected or expired (409), or the issuance is (the requester left, the policy or the
    /// admin's authority changed).
    ///
    /// Collected with a key (`presenting`), the request must be in the key's organisation when
    /// it is confined to one (else not found) and ask for no capability the key lacks (403
    /// `DENY_CAPABILITY_GRANT`): no key reaches further than the one presented, so a leaked
    /// view-only key cannot collect an approved key that writes.
    public func collectKeyRequest(_ id: UUID, userID: Int64, presenting key: KeyRecord? = nil, via: String, ip: String? = nil) async throws -> IssuedKey {
        guard let row = try await pool.query("""
            SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined)
            WHERE r.id = \(id) AND r.user_id = \(userID) AND (\(key?.organisationID)::bigint IS NULL OR r.organisation_id = \(key?.organisationID))
            """).first else { throw VaultError.keyRequestNotFound }
        let request = try KeyRequest(row: row)
        try Self.checkCollectable(request)
        if let key, !key.effectiveCapabilities.isSuperset(of: request.capabilities) {
            throw VaultError.denied(.deny(.denyCapabilityGrant, "A key can collect only a key whose capabilities it holds itself: collect it with such a key, or in the console."))
        }
        guard let deciderID = request.decidedByID else { throw VaultError.keyRequestClosed("the admin who approved the key request no longer exists: ask again") }
        let terms: KeyTerms
        do {
            terms = try KeyTerms(name: request.name, expiresAt: request.keyExpiresAt, allowedCIDRs: request.allowedCIDRs)
        } catch {
            throw VaultError.keyRequestClosed("the key's expiry has passed: ask again")
        }
        var issuance = KeyIssueRequest(userID: userID, terms: terms, organisationID: request.organisationID, capabilities: request.capabilities,
                                       issuer: .userID(deciderID), via: via, ip: ip)
        issuance.approvedRequest = id
        return try await issue(issuance)
    }

    // MARK: Within issuance

    /// Locks approved request `id` for its collection by `target` with `issuerID` (the approving
    /// admin): it must be theirs, approved by that admin, uncollected and unexpired. Returns the
    /// organisation it was made in.
    static func claimApproval(_ id: UUID, for target: Target, issuerID: Int64?, on connection: PGConnection) async throws -> Int64 {
        guard let row = try await connection.query("""
            SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined) WHERE r.id = \(id) AND r.user_id = \(target.id) FOR UPDATE OF r
            """).first else { throw VaultError.keyRequestNotFound }
        let request = try KeyRequest(row: row)
        try checkCollectable(request)
        guard request.decidedByID == issuerID, request.organisationID == target.organisationID else {
            throw VaultError.keyRequestClosed("the key request was not approved for this issuance")
        }
        return request.organisationID
    }

    /// Marks request `id` collected with key `keyID` and audits `key.collected` by its requester.
    static func markCollected(_ id: UUID, key keyID: UUID, userID: Int64, organisationID: Int64, via: String, ip: String?, on connection: PGConnection) async throws {
        try await connection.execute("UPDATE key_requests SET status = 'collected', collected_at = now(), key_id = \(keyID) WHERE id = \(id)")
        try await AuditLog.record("key.collected", actor: userID, organisation: organisationID, target: keyID.uuidString.lowercased(),
                                  detail: ["request": id.uuidString.lowercased(), "via": via], ip: ip, on: connection)
    }

    // MARK: Checks

    /// Refuses (409) a request that cannot be collected now.
    static func checkCollectable(_ request: KeyRequest) throws {
        switch request.status() {
        case .approved: return
        case .pending: throw VaultError.keyRequestClosed("the key request is still pending: an admin has not approved it yet")
        case .denied: throw VaultError.keyRequestClosed("the key request was denied")
        case .collected: throw VaultError.keyRequestClosed("the key of this request was already collected: it is shown only once")
        case .expired: throw VaultError.keyRequestClosed("the key request expired (requests can be acted on for 7 days): ask again")
        }
    }

    /// Refuses an approval that the issuance at collection would refuse now: the terms and the
    /// organisation's policy, and `key.issue` for `decider` on the requester (their membership,
    /// tier, the capabilities, their active keys).
    private func checkIssuable(_ request: KeyRequest, by decider: UserPrincipal, on connection: PGConnection) async throws {
        let terms: KeyTerms
        do {
            terms = try KeyTerms(name: request.name, expiresAt: request.keyExpiresAt, allowedCIDRs: request.allowedCIDRs)
        } catch {
            throw VaultError.invalidInput("the requested key's expiry has passed: deny the request")
        }
        let target = try await Self.target(.id(request.userID), organisation: .id(request.organisationID), team: nil, locking: false, on: connection)
        var activeKeys = 0
        if let limit = target.tier.activeKeyLimit { activeKeys = try await Self.activeKeys(of: target.id, upTo: limit, on: connection) }
        let decision = engine.decide(.user(decider), .keyIssue, .keyIssuance(target.facts(request.capabilities, activeKeyCount: activeKeys)))
        guard decision.isAllowed else { throw VaultError.denied(decision) }
        try await Self.checkPolicy(of: request.organisationID, for: target, by: .platformOperator, terms: terms, capabilities: request.capabilities,
                                   approved: true, on: connection)
    }

    /// `text` trimmed, checked as the `field` of a request: at most ``KeyRequest/textLimit``
    /// characters, no control characters but line breaks and tabs; `nil` when empty and not
    /// `required`.
    static func checkedText(_ text: String, _ field: String, required: Bool) throws -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { throw VaultError.invalidInput("a key request needs a \(field)") }
            return nil
        }
        guard trimmed.count <= KeyRequest.textLimit else {
            throw VaultError.invalidInput("a \(field) has at most \(KeyRequest.textLimit) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) else {
            throw VaultError.invalidInput("a \(field) has no control characters")
        }
        return trimmed
    }

    /// Request `id` as stored, read on `connection`.
    static func keyRequest(_ id: UUID, on connection: PGConnection) async throws -> KeyRequest {
        guard let row = try await connection.query("SELECT \(KeyRequest.columns) FROM \(KeyRequest.joined) WHERE r.id = \(id)").first else {
            throw VaultError.keyRequestNotFound
        }
        return try KeyRequest(row: row)
    }
}
