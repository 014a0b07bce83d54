import Policy

/// Whether a valid key may make a request the gateway check is asked about (SPEC §16), by the
/// requirement of the matching rule: pure, no I/O, no allocation for a pass.
enum GatewayAccess {
    /// The refusal of `principal` for `permission` on a route about organisation `slug` (its
    /// `{organisation}` segment), or `nil` when it passes.
    ///
    /// - A verb on no type: the key's capabilities; a fine-grained key names types, and a route
    ///   of no type is none of them (SPEC §15: a type the key does not name is refused).
    /// - `type:verb`: a fine-grained key's grant for that type; a plain key's capabilities.
    /// - `{organisation}`: only a key confined to that organisation (its slug), never another's
    ///   or an unconfined one (SPEC §2 confinement).
    static func refusal(of principal: UserPrincipal, organisation keySlug: String?, _ permission: GatewayPermission, about slug: Substring?) -> Decision? {
        if let slug, keySlug.map({ $0[...] == slug }) != true { return .outsideOrganisation }
        switch permission {
        case .public:
            return nil
        case .verb(let verb):
            if principal.permissions != nil { return .noPermission }
            return principal.capabilities.contains(verb) ? nil : .missing(verb)
        case .typed(let type, let verb):
            guard let permissions = principal.permissions else {
                return principal.capabilities.contains(verb) ? nil : .missing(verb)
            }
            guard let grant = permissions.grant(for: type) else { return .noPermission }
            return grant.capabilities.contains(verb) ? nil : .missing(verb)
        }
    }
}
