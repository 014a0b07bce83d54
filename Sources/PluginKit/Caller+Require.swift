import Policy

extension Caller {
    /// The principal of an authenticated caller; throws 401 for an anonymous one.
    ///
    /// For endpoints that never serve anonymous callers (SPEC §4: "Anonymous → 401"), called
    /// before any lookup so an anonymous caller learns nothing about which ids exist.
    public func requireAuthenticated() throws -> UserPrincipal {
        guard let key = verifiedKey else { throw APIError.notAuthenticated }
        return key.principal
    }
}
