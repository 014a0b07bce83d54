import Policy

extension Array where Element == ResourceLookup {
    /// Resolves lookups whose facts do not depend on the user: the distinct ids that `parse`
    /// accepts are loaded at once by `load`; every lookup gets the facts of its id, judged for
    /// its own user.
    public func resolve<ID: Hashable>(
        parse: (String) -> ID?,
        load: ([ID]) async throws -> [ID: Resource]
    ) async throws -> [ResolvedResource?] {
        let ids: [ID?] = map { parse($0.id) }
        let distinct = [ID](Set<ID>(ids.compactMap { $0 }))
        let found = distinct.isEmpty ? [:] : try await load(distinct)
        return zip(self, ids).map { lookup, id in
            id.flatMap { found[$0] }.map { ResolvedResource(resource: $0, user: lookup.user) }
        }
    }
}

extension ObjectID {
    /// A positive integer id written as plain digits, or `nil`.
    public static func int64(_ text: String) -> Int64? {
        guard let value = StrictQuery.parseInteger(text[...]), value > 0 else { return nil }
        return Int64(value)
    }

    /// A positive integer id given as a JSON number (below 9×10¹⁵, where doubles are exact), or `nil`.
    public static func int64(_ number: Double) -> Int64? {
        guard number.rounded() == number, number >= 1, number < 9.0e15 else { return nil }
        return Int64(number)
    }
}
