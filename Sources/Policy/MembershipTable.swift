/// A small map from an entity id (an organisation, a team, or one object) to a role, kept sorted by id.
///
/// Built once per principal and then only read: a lookup scans up to 16 entries linearly and
/// binary-searches larger tables, and never allocates.
public struct MembershipTable<Role: Sendable & Hashable>: Sendable, Hashable {
    /// One membership: the entity id and the role held in it.
    public struct Entry: Sendable, Hashable {
        /// The organisation, team or object id.
        public var id: Int64
        /// The role held there.
        public var role: Role

        @inlinable
        public init(id: Int64, role: Role) {
            self.id = id
            self.role = role
        }
    }

    /// The memberships, sorted by id, ids unique.
    public private(set) var entries: ContiguousArray<Entry>

    /// An empty table.
    public init() { entries = [] }

    /// A table of one membership (no sorting: the hot path of a role on one object).
    public init(id: Int64, role: Role) { entries = [Entry(id: id, role: role)] }

    /// Builds a table from `(id, role)` pairs; when an id repeats, the last role wins.
    public init<S: Sequence>(_ memberships: S) where S.Element == (Int64, Role) {
        var sorted = ContiguousArray(memberships.enumerated().map { ($0.offset, Entry(id: $0.element.0, role: $0.element.1)) })
        sorted.sort { $0.1.id != $1.1.id ? $0.1.id < $1.1.id : $0.0 < $1.0 }
        var unique = ContiguousArray<Entry>()
        unique.reserveCapacity(sorted.count)
        for (_, entry) in sorted {
            if let last = unique.last, last.id == entry.id {
                unique[unique.count - 1] = entry
            } else {
                unique.append(entry)
            }
        }
        entries = unique
    }

    /// The role held in entity `id`, or `nil` when there is no membership.
    @inlinable
    public subscript(id: Int64) -> Role? {
        entries.withUnsafeBufferPointer { buffer -> Role? in
            if buffer.count <= 16 {
                for entry in buffer where entry.id == id { return entry.role }
                return nil
            }
            var low = 0
            var high = buffer.count
            while low < high {
                let mid = (low &+ high) >> 1
                let midID = buffer[mid].id
                if midID == id { return buffer[mid].role }
                if midID < id { low = mid &+ 1 } else { high = mid }
            }
            return nil
        }
    }

    /// Whether there is a membership in entity `id`, whatever the role.
    @inlinable
    public func contains(_ id: Int64) -> Bool { self[id] != nil }

    /// The number of memberships.
    @inlinable
    public var count: Int { entries.count }

    /// Whether the table is empty.
    @inlinable
    public var isEmpty: Bool { entries.isEmpty }

    /// All ids, ascending.
    public var ids: [Int64] { entries.map { $0.id } }

    /// The ids whose role satisfies `predicate`, ascending.
    public func ids(where predicate: (Role) -> Bool) -> [Int64] {
        entries.compactMap { predicate($0.role) ? $0.id : nil }
    }
}

extension MembershipTable: ExpressibleByDictionaryLiteral {
    /// A table written as `[1: .admin, 7: .viewer]`.
    public init(dictionaryLiteral elements: (Int64, Role)...) {
        self.init(elements)
    }
}
