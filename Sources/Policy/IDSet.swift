/// A small, sorted set of entity ids (organisations owned, memberships of a target user, …).
///
/// Lookups scan up to 16 ids linearly and binary-search larger sets, and never allocate.
public struct IDSet: Sendable, Hashable {
    /// The ids, ascending and unique.
    public private(set) var ids: ContiguousArray<Int64>

    /// An empty set.
    public init() { ids = [] }

    /// A set of the given ids, in any order, duplicates allowed.
    public init<S: Sequence>(_ ids: S) where S.Element == Int64 {
        var sorted = ContiguousArray(ids)
        sorted.sort()
        var unique = ContiguousArray<Int64>()
        unique.reserveCapacity(sorted.count)
        for id in sorted where unique.last != id { unique.append(id) }
        self.ids = unique
    }

    /// Whether `id` is in the set.
    @inlinable
    public func contains(_ id: Int64) -> Bool {
        ids.withUnsafeBufferPointer { buffer -> Bool in
            if buffer.count <= 16 {
                for candidate in buffer where candidate == id { return true }
                return false
            }
            var low = 0
            var high = buffer.count
            while low < high {
                let mid = (low &+ high) >> 1
                if buffer[mid] == id { return true }
                if buffer[mid] < id { low = mid &+ 1 } else { high = mid }
            }
            return false
        }
    }

    /// Whether the set shares at least one id with `other`.
    public func intersects(_ other: IDSet) -> Bool {
        other.ids.contains { contains($0) }
    }

    /// The number of ids.
    @inlinable
    public var count: Int { ids.count }

    /// Whether the set is empty.
    @inlinable
    public var isEmpty: Bool { ids.isEmpty }
}

extension IDSet: ExpressibleByArrayLiteral {
    /// A set written as `[1, 2, 3]`.
    public init(arrayLiteral elements: Int64...) {
        self.init(elements)
    }
}
