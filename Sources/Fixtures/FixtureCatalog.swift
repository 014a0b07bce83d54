/// The refs, slugs, usernames, emails and keys a fixture has defined so far, to refuse
/// duplicates and refs to items that do not exist.
///
/// Sections are read in dependency order (users, organisations, teams, then the rest), so every
/// ref points to an item already in the catalog.
struct FixtureCatalog {
    /// The kinds of item that other items refer to.
    enum Kind: String {
        case user, organisation, team, survey, template, key, service
    }

    private var refs: [Kind: Set<String>] = [:]
    /// "namespace\0value" → the item that claimed it.
    private var claims: [String: String] = [:]

    /// The refs of every item of `kind` defined so far.
    func refs(_ kind: Kind) -> Set<String> {
        refs[kind, default: []]
    }

    /// Records `ref` as an item of `kind`; a second item with the same ref is an error.
    mutating func define(_ kind: Kind, ref: String, by item: String) throws(FixtureError) {
        try claim("\(kind.rawValue) ref", ref, by: item)
        refs[kind, default: []].insert(ref)
    }

    /// Claims a value that must be unique in `namespace` (e.g. `"username"`), or throws naming both items.
    mutating func claim(_ namespace: String, _ value: String, by item: String) throws(FixtureError) {
        let key = "\(namespace)\u{0}\(value)"
        if let other = claims[key] {
            throw FixtureError(item: item, problem: "duplicate \(namespace) \"\(value)\" (also \(other))")
        }
        claims[key] = item
    }
}
