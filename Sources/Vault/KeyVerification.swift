import Foundation
import Policy

/// The outcome of checking a presented key.
public enum KeyStatus: String, Sendable, Hashable, CaseIterable {
    case valid = "VALID"
    case malformed = "MALFORMED"
    case notFound = "NOT_FOUND"
    case revoked = "REVOKED"
    case expired = "EXPIRED"
    case tierNoAPIAccess = "TIER_NO_API_ACCESS"
    case userInactive = "USER_INACTIVE"
    /// Valid, but presented from outside the key's `allowed_cidrs` (SPEC §2).
    case ipNotAllowed = "IP_NOT_ALLOWED"
    /// Blocked, not revoked, by its organisation's key policy (SPEC §14): no allowlist under
    /// `require_allowed_cidrs`, or capabilities beyond `max_capabilities`; a looser policy
    /// unblocks it.
    case policyBlocked = "POLICY_BLOCKED"
}

/// A key as found in the vault, with its owner and the principal it acts as.
///
/// An immutable class: the cache hands out one shared reference per hit instead of copying
/// every field (memberships, strings) on the hot path.
public final class VerifiedKey: Sendable {
    public let key: KeyRecord
    public let owner: KeyOwner
    public let organisation: KeyOrganisation?
    /// The owner's memberships with the key's capabilities and organisation context.
    public let principal: UserPrincipal
    /// The organisation of the team a team-confined key was issued in, if it has one.
    public let teamOrganisationID: Int64?
    /// The key policy of the organisation the key is confined to, when it has one (SPEC §14).
    public let policy: KeyPolicy?

    public init(key: KeyRecord, owner: KeyOwner, organisation: KeyOrganisation?, principal: UserPrincipal, teamOrganisationID: Int64? = nil,
                policy: KeyPolicy? = nil) {
        self.key = key
        self.owner = owner
        self.organisation = organisation
        self.principal = principal
        self.teamOrganisationID = teamOrganisationID
        self.policy = key.organisationID == nil ? nil : policy
    }

    /// Why the organisation's key policy blocks this key, in words naming the rule; `nil` when
    /// it does not.
    public var policyBlock: String? { policy?.block(of: key) }

    /// The organisation the key acts for (SPEC §6 tenant-scoped services): the one it was
    /// issued in, or its team's; `nil` for an unconfined key or a team of no organisation.
    public var homeOrganisationID: Int64? { key.organisationID ?? teamOrganisationID }

    /// Judges the key at `now`: revoked (or confined where its user no longer belongs, SPEC §2
    /// offboarding, before the revocation lands), then inactive owner, then expiry (its own, or
    /// older than its organisation's `max_lifetime_days`), then tier, then the organisation's
    /// key policy (SPEC §14: blocked, not revoked).
    public func status(at now: Date) -> KeyStatus {
        if key.revokedAt != nil || !principal.isMemberOfConfinement { return .revoked }
        if !owner.isActive { return .userInactive }
        if let expiresAt = key.expiresAt, expiresAt <= now { return .expired }
        if let policy, policy.outlived(key, at: now) { return .expired }
        if !owner.tier.hasAPIAccess { return .tierNoAPIAccess }
        if policyBlock != nil { return .policyBlocked }
        return .valid
    }
}

/// The result of `Vault.verify`: a status and, when the key exists, what it is.
public struct KeyVerification: Sendable {
    public var status: KeyStatus
    /// Present for every status but `malformed` and `notFound`.
    public var found: VerifiedKey?

    public var isValid: Bool { status == .valid }

    /// The principal to act as, only when the key is valid.
    public var principal: UserPrincipal? { status == .valid ? found?.principal : nil }

    /// This verification for a key presented from `clientIP`: a valid key with an IP allowlist
    /// that does not admit the address becomes `ipNotAllowed`.
    public func from(_ clientIP: String?) -> KeyVerification {
        guard status == .valid, let found, !found.key.allowedCIDRs.admit(clientIP) else { return self }
        return KeyVerification(status: .ipNotAllowed, found: found)
    }

    public static let malformed = KeyVerification(status: .malformed, found: nil)
    public static let notFound = KeyVerification(status: .notFound, found: nil)
}
