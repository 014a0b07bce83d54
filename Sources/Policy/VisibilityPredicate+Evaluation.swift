extension VisibilityPredicate {
    /// Evaluates the predicate in memory against one object's facts.
    public func evaluate(on facts: some ResourceFacts) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .and(let terms): return terms.allSatisfy { $0.evaluate(on: facts) }
        case .or(let terms): return terms.contains { $0.evaluate(on: facts) }
        case .idIn(let ids): return facts.objectID.map(ids.contains) ?? false
        default: return facts.matches(leaf: self)
        }
    }

    /// Evaluates the predicate in memory against a resource; ``Resource/collection`` matches
    /// only `.all`.
    public func evaluate(on resource: Resource) -> Bool {
        guard let facts = resource.facts else {
            return simplified() == .all
        }
        return evaluate(on: facts)
    }
}
