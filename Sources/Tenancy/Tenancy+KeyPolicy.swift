import Postgres
import Vault

/// Organisation key policies (SPEC §14): read, and replaced whole with the `policy.updated`
/// audit event (before and after) in the same transaction. The `key_policies` trigger tells
/// every instance's verification cache (`db/core/0021`); this instance forgets at once. The
/// rules themselves are judged by the vault (``KeyPolicy``), where keys are issued and verified.
extension Tenancy {
    /// The key policy of the organisation `slug` (the open one when none was set), with its id;
    /// ``VaultError/organisationNotFound(_:)`` when there is no such organisation.
    public func keyPolicy(organisation slug: String) async throws -> (id: Int64, policy: KeyPolicy) {
        try await pool.withConnection { connection in
            let id = try await Self.organisationID(slug, on: connection)
            return (id, try await KeyPolicy.read(organisation: id, on: connection))
        }
    }

    /// The key policy of organisation `id` (the open one when none was set).
    public func keyPolicy(organisationID id: Int64) async throws -> KeyPolicy {
        try await pool.withConnection { try await KeyPolicy.read(organisation: id, on: $0) }
    }

    /// Replaces the key policy of organisation `id` by `policy`; audited `policy.updated` by
    /// `actor` (nil: the operator) with `detail.before`, `detail.after` and `via`, unless nothing
    /// changed. Returns the policy now in force. Keys that break a tighter policy are blocked
    /// at once on every instance (not revoked: a looser policy brings them back), each newly
    /// blocked one audited `key.blocked` in the same transaction (a webhook event).
    @discardableResult
    public func setKeyPolicy(_ policy: KeyPolicy, organisationID id: Int64, actor: Int64?, via: String, ip: String? = nil) async throws -> KeyPolicy {
        if let days = policy.maxLifetimeDays, !KeyPolicy.lifetimeRange.contains(days) {
            throw VaultError.invalidInput("max_lifetime_days must be none or 1 to 3650")
        }
        let changed = try await pool.withTransaction { connection -> Bool in
            // The organisation's row is locked, so concurrent changes audit consecutive befores.
            guard try await connection.query("SELECT 1 FROM organisations WHERE id = \(id) FOR UPDATE").count == 1 else {
                throw VaultError.organisationNotFound(String(id))
            }
            let before = try await KeyPolicy.read(organisation: id, on: connection)
            guard before != policy else { return false }
            try await connection.execute("""
                INSERT INTO key_policies (organisation_id, max_lifetime_days, require_expiry, require_allowed_cidrs, max_capabilities,
                                          require_approval, require_passkey, updated_at)
                VALUES (\(id), \(policy.maxLifetimeDays.map(Int32.init)), \(policy.requireExpiry), \(policy.requireAllowedCIDRs),
                        \(policy.maxCapabilities?.names), \(policy.requireApproval), \(policy.requirePasskey), now())
                ON CONFLICT (organisation_id) DO UPDATE SET
                    max_lifetime_days = EXCLUDED.max_lifetime_days, require_expiry = EXCLUDED.require_expiry,
                    require_allowed_cidrs = EXCLUDED.require_allowed_cidrs, max_capabilities = EXCLUDED.max_capabilities,
                    require_approval = EXCLUDED.require_approval, require_passkey = EXCLUDED.require_passkey, updated_at = now()
                """)
            try await connection.execute("""
                INSERT INTO audit_events (actor_id, organisation_id, action, target, detail, ip)
                VALUES (\(actor), \(id), 'policy.updated', \("organisation:\(id)"),
                        jsonb_build_object('before', \(before.jsonText)::jsonb, 'after', \(policy.jsonText)::jsonb, 'via', \(via)::text), \(ip))
                """)
            try await policy.auditNewlyBlocked(organisation: id, before: before, actor: actor, via: via, ip: ip, on: connection)
            return true
        }
        if changed { vault.flushCache() }
        return policy
    }

    /// The id of the organisation `slug`, or ``VaultError/organisationNotFound(_:)``.
    static func organisationID(_ slug: String, on connection: PGConnection) async throws -> Int64 {
        guard let id = try await connection.query("SELECT id FROM organisations WHERE slug = \(slug)").first?.decode(Int64.self, at: 0) else {
            throw VaultError.organisationNotFound(slug)
        }
        return id
    }
}
