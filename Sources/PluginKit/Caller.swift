import Policy
import Vault

/// Who made a request, as the authentication middleware established it.
public enum Caller: Sendable {
    /// No credentials were presented.
    case anonymous
    /// A valid API key of a user on a paid tier.
    case key(VerifiedKey)
    // TODO(issue 6): `authtoken` sessions become a case here (a session carries its key).
}

extension Caller {
    /// The principal the policy engine judges.
    public var principal: Principal {
        switch self {
        case .anonymous: return .anonymous
        case .key(let key): return .user(key.principal)
        }
    }

    /// The verified key, or `nil` for an anonymous caller.
    public var verifiedKey: VerifiedKey? {
        if case .key(let key) = self { return key }
        return nil
    }
}
