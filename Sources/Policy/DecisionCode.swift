/// A machine-readable decision code such as `ALLOW_OWNER` or `DENY_CAPABILITY`.
///
/// Open: the codes every rule set shares are static members here, and a plugin adds its own
/// (e.g. the surveys plugin's `ALLOW_SURVEY_MEMBER`) beside its rules.
public struct DecisionCode: Name {
    /// The code as it appears in API responses.
    public let rawValue: String

    @inlinable
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The caller owns the object (or it is their personal object, or themselves).
    public static let allowOwner: DecisionCode = "ALLOW_OWNER"
    /// The caller is an admin of the object's organisation.
    public static let allowOrgAdmin: DecisionCode = "ALLOW_ORG_ADMIN"
    /// The caller owns the object's organisation.
    public static let allowOrgOwner: DecisionCode = "ALLOW_ORG_OWNER"
    /// The caller is a creator in the object's organisation.
    public static let allowOrgCreator: DecisionCode = "ALLOW_ORG_CREATOR"
    /// The caller is an admin of the object's team.
    public static let allowTeamAdmin: DecisionCode = "ALLOW_TEAM_ADMIN"
    /// The caller is a creator in the object's team.
    public static let allowTeamCreator: DecisionCode = "ALLOW_TEAM_CREATOR"
    /// The object is global and active.
    public static let allowGlobal: DecisionCode = "ALLOW_GLOBAL"
    /// The caller belongs to the object's organisation or team.
    public static let allowMember: DecisionCode = "ALLOW_MEMBER"
    /// The caller is platform staff.
    public static let allowStaff: DecisionCode = "ALLOW_STAFF"
    /// A pro user issues their own key.
    public static let allowSelfServe: DecisionCode = "ALLOW_SELF_SERVE"
    /// An enterprise user exchanges an SSO token for a key.
    public static let allowSSO: DecisionCode = "ALLOW_SSO"
    /// A superuser key manages the organisation's directory.
    public static let allowSuperuser: DecisionCode = "ALLOW_SUPERUSER"
    /// A list is allowed; its rows are filtered by the visibility predicate.
    public static let allowFiltered: DecisionCode = "ALLOW_FILTERED"

    /// No credentials where they are required.
    public static let denyAnonymous: DecisionCode = "DENY_ANONYMOUS"
    /// The caller has no relation to the object that grants the action.
    public static let denyNotMember: DecisionCode = "DENY_NOT_MEMBER"
    /// The object is not among the resources a fine-grained key selects (SPEC §15): as not visible.
    public static let denyNotSelected: DecisionCode = "DENY_NOT_SELECTED"
    /// The caller is related to the object, but their role does not grant the action.
    public static let denyRole: DecisionCode = "DENY_ROLE"
    /// The key lacks the capability the action needs.
    public static let denyCapability: DecisionCode = "DENY_CAPABILITY"
    /// The requested key capabilities may not be granted by this issuer or on this tier.
    public static let denyCapabilityGrant: DecisionCode = "DENY_CAPABILITY_GRANT"
    /// The free tier has no API access.
    public static let denyTier: DecisionCode = "DENY_TIER"
    /// The object is inactive or deleted.
    public static let denyInactive: DecisionCode = "DENY_INACTIVE"
    /// The active-key limit of the target's tier is reached.
    public static let denyLimit: DecisionCode = "DENY_LIMIT"
    /// The issuer has authority over the target through several organisations or teams, and
    /// the request names none (SPEC §2): a 400 on issuance.
    public static let denyAmbiguousAuthority: DecisionCode = "DENY_AMBIGUOUS_AUTHORITY"
    /// The key carries no organisation context where one is needed.
    public static let denyNoOrganisationContext: DecisionCode = "DENY_NO_ORGANISATION_CONTEXT"
    /// No registered rule handles the action.
    public static let denyUnknownAction: DecisionCode = "DENY_UNKNOWN_ACTION"
    /// The resource facts do not fit the action.
    public static let denyResourceMismatch: DecisionCode = "DENY_RESOURCE_MISMATCH"
    /// The object lies outside the organisation the key was issued in (SPEC §2).
    public static let denyOutsideOrganisation: DecisionCode = "DENY_OUTSIDE_ORGANISATION"
    /// The object lies outside the team the key was issued in (SPEC §2 issuer authority).
    public static let denyOutsideTeam: DecisionCode = "DENY_OUTSIDE_TEAM"
    /// An account-wide field of a user who also belongs to other organisations (SPEC §4).
    public static let denySharedAccount: DecisionCode = "DENY_SHARED_ACCOUNT"
    /// Nothing allowed the action.
    public static let denyDefault: DecisionCode = "DENY_DEFAULT"
}
