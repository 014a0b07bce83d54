/// Who is asking: an anonymous caller or an authenticated user acting through an API key.
///
/// The Vault builds a principal when it verifies a key; the Server and the decision API pass it
/// to ``PolicyEngine/decide(_:_:_:)`` unchanged.
public enum Principal: Sendable, Hashable {
    /// A caller without credentials.
    case anonymous
    /// A user acting through a key (or a session derived from one).
    case user(UserPrincipal)
}

extension Principal {
    /// Whether the caller carries no credentials.
    @inlinable
    public var isAnonymous: Bool {
        if case .anonymous = self { return true }
        return false
    }

    /// The authenticated user, or `nil` for an anonymous caller.
    @inlinable
    public var user: UserPrincipal? {
        if case .user(let user) = self { return user }
        return nil
    }

    /// The authenticated user's id, or `nil` for an anonymous caller.
    @inlinable
    public var userID: Int64? { user?.userID }
}
