import Foundation
import Policy

/// What the vault stores about an API key: everything but the secret.
public struct KeyRecord: Sendable, Hashable {
    public var id: UUID
    public var userID: Int64
    public var organisationID: Int64?
    /// The team the key is confined to (issued by a team admin, SPEC §2), if any.
    public var teamID: Int64? = nil
    public var name: String
    /// The first 12 characters of the key, for display.
    public var prefix: String
    public var last4: String
    public var capabilities: Capabilities
    public var createdBy: Int64?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public var revokeReason: String?
    public var createdAt: Date
    /// Where the key may be used from (SPEC §2); empty: anywhere.
    public var allowedCIDRs: [AddressRange] = []
    /// The key that replaced this one when it was rolled.
    public var rolledTo: UUID? = nil
    /// What the issuer attached (SPEC §15), returned as given.
    public var meta: KeyMeta? = nil
    /// The key's own rate limit (SPEC §15), replacing the authenticated rate.
    public var rateLimit: KeyRateLimit? = nil
    /// The key's permissions per resource type and selected objects (SPEC §15); `nil` for a
    /// key whose ``capabilities`` apply to every type.
    public var permissions: KeyPermissions? = nil

    /// The capabilities the key acts with (SPEC §2: beyond `view` only in an organisation).
    public var effectiveCapabilities: Capabilities { capabilities.effective(organisationID: organisationID) }

    /// `active`, `revoked` or `expired` at `now`.
    public func status(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }
}

/// The owner of a key, as the decision API reports it.
public struct KeyOwner: Sendable, Hashable {
    public var id: Int64
    public var username: String
    public var tier: Tier
    public var isActive: Bool
    public var isStaff: Bool
}

/// The organisation a key was issued in.
public struct KeyOrganisation: Sendable, Hashable {
    public var id: Int64
    public var slug: String
    public var name: String
}
