import JSON

/// The refs, slugs, usernames, emails and keys a fixture has defined so far, to refuse
/// duplicates and refs to items that do not exist.
///
/// Sections are read in dependency order (users, organisations, teams, the plugins' sections,
/// keys, services), so every ref points to an item already in the catalog.
public struct FixtureCatalog: Sendable {
    /// A kind of item that other items refer to; a plugin's section adds its own.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let user = Kind(rawValue: "user")
        public static let organisation = Kind(rawValue: "organisation")
        public static let team = Kind(rawValue: "team")
        public static let key = Kind(rawValue: "key")
        public static let service = Kind(rawValue: "service")
    }

    private var refs: [Kind: Set<String>] = [:]
    /// The resource types a key's `permissions` and `resources` may name (SPEC §15): `users` and
    /// the plugins' sections.
    public var permissionTypes: Set<String> = ["users"]
    /// "namespace\0value" → the item that claimed it.
    private var claims: [String: String] = [:]

    /// The refs of every item of `kind` defined so far.
    public func refs(_ kind: Kind) -> Set<String> {
        refs[kind, default: []]
    }

    /// Records `ref` as an item of `kind`; a second item with the same ref is an error.
    public mutating func define(_ kind: Kind, ref: String, by item: String) throws(FixtureError) {
        try claim("\(kind.rawValue) ref", ref, by: item)
        refs[kind, default: []].insert(ref)
    }

    /// Claims a value that must be unique in `namespace` (e.g. `"username"`), or throws naming both items.
    public mutating func claim(_ namespace: String, _ value: String, by item: String) throws(FixtureError) {
        let key = "\(namespace)\u{0}\(value)"
        if let other = claims[key] {
            throw FixtureError(item: item, problem: "duplicate \(namespace) \"\(value)\" (also \(other))")
        }
        claims[key] = item
    }

    /// Reads the items of a section in order with `make`, which validates one item and records
    /// it here.
    public mutating func read<Item>(
        _ values: [JSONValue], _ make: (JSONValue, Int, inout FixtureCatalog) throws(FixtureError) -> Item
    ) throws(FixtureError) -> [Item] {
        var items: [Item] = []
        for (index, value) in values.enumerated() { items.append(try make(value, index, &self)) }
        return items
    }
}
