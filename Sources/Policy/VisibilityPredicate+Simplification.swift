extension VisibilityPredicate {
    /// An equivalent predicate without redundant structure: nested `and`/`or` flattened,
    /// `.all`/`.none` absorbed, empty id lists turned into `.none`, single terms unwrapped, and
    /// `A ∧ (A ∨ B)` reduced to `A`.
    /// ``PolicyEngine/visibility(_:for:)`` returns predicates in this form.
    public func simplified() -> VisibilityPredicate {
        switch self {
        case .organisationIn(let ids): return ids.isEmpty ? .none : .organisationIn(Self.canonical(ids))
        case .teamIn(let ids): return ids.isEmpty ? .none : .teamIn(Self.canonical(ids))
        case .idIn(let ids): return ids.isEmpty ? .none : self
        case .and(let terms):
            var flat: [VisibilityPredicate] = []
            for term in terms {
                switch term.simplified() {
                case .all: continue
                case .none: return .none
                case .and(let inner): flat.append(contentsOf: inner)
                case let other: flat.append(other)
                }
            }
            // Absorption: A ∧ (A ∨ B) is A (a confined directory list stays one leaf).
            let conjuncts = flat
            flat.removeAll { term in
                guard case .or(let alternatives) = term else { return false }
                return alternatives.contains { alternative in conjuncts.contains(alternative) }
            }
            return flat.isEmpty ? .all : flat.count == 1 ? flat[0] : .and(flat)
        case .or(let terms):
            var flat: [VisibilityPredicate] = []
            for term in terms {
                switch term.simplified() {
                case .none: continue
                case .all: return .all
                case .or(let inner): flat.append(contentsOf: inner)
                case let other: flat.append(other)
                }
            }
            return flat.isEmpty ? .none : flat.count == 1 ? flat[0] : .or(flat)
        default:
            return self
        }
    }

    private static func canonical(_ ids: [Int64]) -> [Int64] {
        IDSet(ids).ids.map { $0 }
    }
}
