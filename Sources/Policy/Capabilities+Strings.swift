extension Capabilities {
    /// Builds the set from SPEC strings such as `["view", "add"]`; `nil` if any name is unknown.
    public init?<S: Sequence>(names: S) where S.Element: StringProtocol {
        var set: Capabilities = []
        for name in names {
            guard let capability = Capability(rawValue: String(name)) else { return nil }
            set.insert(Capabilities(capability))
        }
        self = set
    }

    /// Parses a comma-separated list such as `view,add` (spaces around names are ignored).
    public init?(parsing list: String) {
        let names = list.split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingSpaces() }
        self.init(names: names)
    }

    /// The capabilities in canonical SPEC order (`view`, `add`, `edit`, `delete`, `superuser`).
    public var members: [Capability] {
        Capability.allCases.filter { contains($0) }
    }

    /// The SPEC strings in canonical order, e.g. `["view", "add"]`.
    public var names: [String] {
        members.map(\.rawValue)
    }
}

extension Capabilities: CustomStringConvertible {
    /// The comma-separated SPEC names, e.g. `view,add`.
    public var description: String { names.joined(separator: ",") }
}

extension StringProtocol {
    /// The text without leading or trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> Substring {
        let s = Substring(self)
        let start = s.firstIndex { $0 != " " && $0 != "\t" } ?? s.endIndex
        let end = s.lastIndex { $0 != " " && $0 != "\t" }.map { s.index(after: $0) } ?? start
        return s[start..<Swift.max(start, end)]
    }
}
