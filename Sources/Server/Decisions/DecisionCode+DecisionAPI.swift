import Policy

extension DecisionCode {
    /// The resource named does not exist.
    static let denyNotFound: DecisionCode = "DENY_NOT_FOUND"
    /// The subject's API key is malformed, unknown or revoked, or its user inactive.
    static let denyInvalidKey: DecisionCode = "DENY_INVALID_KEY"
    /// The subject's API key has expired.
    static let denyExpiredKey: DecisionCode = "DENY_EXPIRED_KEY"
    /// The subject's API key has an IP allowlist, and `context.ip` is outside it.
    static let ipNotAllowed: DecisionCode = "IP_NOT_ALLOWED"
    /// The subject's API key is blocked by its organisation's key policy (SPEC §14).
    static let policyBlocked: DecisionCode = "POLICY_BLOCKED"
    /// The subject user does not exist or is inactive.
    static let denyUnknownSubject: DecisionCode = "DENY_UNKNOWN_SUBJECT"
    /// The subject type is neither `api_key` nor `user`.
    static let denySubjectType: DecisionCode = "DENY_SUBJECT_TYPE"
    /// A batch item that could not be asked (a part missing, an action that is no action); its
    /// answer carries `context.error` (AuthZEN 1.0 per-item errors).
    static let invalidRequest: DecisionCode = "INVALID_REQUEST"
}
