extension Decision {
    /// No rule handles the action.
    public static let unknownAction = Decision.deny(.denyUnknownAction, "No policy rule handles this action.")
    /// The caller carries no credentials.
    public static let anonymous = Decision.deny(.denyAnonymous, "Authentication credentials were not provided.")
    /// The caller is on the free tier.
    public static let freeTier = Decision.deny(.denyTier, "API access requires a paid account tier.")
    /// The resource facts do not fit the action.
    public static let resourceMismatch = Decision.deny(.denyResourceMismatch, "The resource does not match the action.")
    /// A list is allowed and filtered by visibility.
    public static let filteredList = Decision.allow(.allowFiltered, "Results are limited to what the caller may see.")
    /// The fallback denial.
    public static let denyByDefault = Decision.deny(.denyDefault, "No rule allows this action.")

    /// Whether this is a denial of the credentials or the question itself (anonymous, tier, key
    /// capability, unknown action, mismatched resource), judged before any object's place.
    @inlinable
    public var isCredentialDenial: Bool {
        !isAllowed && (code == .denyCapability || code == .denyAnonymous || code == .denyTier
            || code == .denyUnknownAction || code == .denyResourceMismatch)
    }

    /// The denial for a key without `capability`, worded as SPEC §4 requires.
    @inlinable
    public static func missing(_ capability: Capability) -> Decision {
        .deny(.denyCapability, capability.missingReason)
    }
}
