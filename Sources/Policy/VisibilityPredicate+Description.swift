extension VisibilityPredicate: CustomStringConvertible {
    /// A compact, readable form for logs and test failures, e.g. `or(owner=7, org∈[1,2])`.
    public var description: String {
        switch self {
        case .all: return "all"
        case .none: return "none"
        case .and(let terms): return "and(" + terms.map(\.description).joined(separator: ", ") + ")"
        case .or(let terms): return "or(" + terms.map(\.description).joined(separator: ", ") + ")"
        case .ownerIs(let id): return "owner=\(id)"
        case .organisationIn(let ids): return "org∈\(ids)"
        case .organisationOwnerIs(let id): return "orgOwner=\(id)"
        case .teamIn(let ids): return "team∈\(ids)"
        case .memberIs(let id): return "member=\(id)"
        case .isGlobal: return "global"
        case .isActive: return "active"
        case .personalTo(let id): return "personal(\(id))"
        case .idIn(let ids): return "id∈\(Array(ids.ids))"
        }
    }
}
