import Policy
import Vault

/// Who made a request, as the authentication middleware established it.
public enum Caller: Sendable {
    /// No credentials were presented.
    case anonymous
    /// A valid API key of a user on a paid tier.
    case key(VerifiedKey)
    /// A live session (`authtoken`) of a valid key: it acts exactly as its key.
    case session(VerifiedKey, SessionRecord)
}

extension Caller {
    /// The principal the policy engine judges.
    public var principal: Principal {
        verifiedKey.map { .user($0.principal) } ?? .anonymous
    }

    /// The verified key (a session's key for a session), or `nil` for an anonymous caller.
    public var verifiedKey: VerifiedKey? {
        switch self {
        case .anonymous: return nil
        case .key(let key), .session(let key, _): return key
        }
    }
}
