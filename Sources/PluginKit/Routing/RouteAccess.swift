import Policy

/// Who a route serves and what it does, as its registration states it: the one place the
/// decision-agreement test and the tenant-isolation property learn which policy question a
/// request amounts to.
public enum RouteAccess: Sendable, Hashable {
    /// Served without credentials (health, the document, login, leak reports, token exchange);
    /// the route may read a credential of its own (a key in a login body, an ID token).
    case `public`
    /// The decision API: service credentials.
    case service
    /// Any valid key or its session, about the caller's own key, session or organisation — no
    /// resource action (the presenting key, session status, the audit log).
    case caller
    /// A console page: a person's web session, not part of the API or its document.
    case page
    /// Performs `action`, on the object the path parameter `object` names (`{id}`, `{key}`), or
    /// on the collection when `object` is `nil` (a list, a create): the decision API answers the
    /// same question for the same key.
    case action(Action, object: String? = nil)

    /// The action performed, for an ``action(_:object:)`` route.
    public var action: Action? {
        if case .action(let action, _) = self { return action }
        return nil
    }

    /// The path parameter naming the object, for an ``action(_:object:)`` route on one object.
    public var objectParameter: String? {
        if case .action(_, let object) = self { return object }
        return nil
    }
}
