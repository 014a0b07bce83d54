import Policy

/// Why a vault operation was refused or could not run.
public enum VaultError: Error, Sendable, CustomStringConvertible {
    /// No user with that username or id.
    case userNotFound(String)
    /// No organisation with that slug.
    case organisationNotFound(String)
    /// No key with that id.
    case keyNotFound(String)
    /// No service credential with that id.
    case serviceNotFound(String)
    /// The input is invalid (empty name, expiry in the past, …).
    case invalidInput(String)
    /// The policy engine refused; the decision says why.
    case denied(Decision)
    /// An SSO exchange presented an ID token that was exchanged before.
    case replayed
    /// The key was rolled before (a key is rolled once).
    case alreadyRolled
    /// Password hashing is at its bound in this instance (``PasswordHashingLimiter``): try
    /// again shortly.
    case passwordHashingBusy
    /// The key would break its organisation's key policy (SPEC §14); the words name the rule.
    case policyViolation(String)
    /// No key request with that id (of this organisation, or of this requester).
    case keyRequestNotFound
    /// The key request can no longer be acted on that way (decided, collected, expired); the
    /// words say why.
    case keyRequestClosed(String)

    public var description: String {
        switch self {
        case .userNotFound(let user): "no such user: \(user)"
        case .organisationNotFound(let slug): "no such organisation: \(slug)"
        case .keyNotFound(let id): "no such key: \(id)"
        case .serviceNotFound(let id): "no such service credential: \(id)"
        case .invalidInput(let why): why
        case .denied(let decision): "refused (\(decision.code.rawValue)): " + decision.reasons.joined(separator: " ")
        case .replayed: "this ID token was already exchanged"
        case .alreadyRolled: "this key was already rolled"
        case .passwordHashingBusy: "too many password checks at once; try again shortly"
        case .policyViolation(let why): why
        case .keyRequestNotFound: "no such key request"
        case .keyRequestClosed(let why): why
        }
    }
}
