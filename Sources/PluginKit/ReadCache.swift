import Dispatch
import NIOConcurrencyHelpers
import Postgres

/// A bounded in-memory cache of reads from tables that announce their changes (``TableChanges``).
///
/// An entry is served only while no announced change has happened since it was read, and for
/// at most `ttl` (a safety net should a notice be lost). Read the ``generation`` *before* the
/// query and pass it to ``store(_:for:readAt:)``: a change during the query then makes the entry
/// stale at once.
public final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var value: Value
        @usableFromInline var generation: UInt64
        @usableFromInline var expires: UInt64

        @usableFromInline
        init(value: Value, generation: UInt64, expires: UInt64) {
            self.value = value
            self.generation = generation
            self.expires = expires
        }
    }

    @usableFromInline let changes: TableChanges
    private let capacity: Int
    private let ttl: UInt64
    @usableFromInline let entries = NIOLockedValueBox<[Key: Entry]>([:])

    public init(changes: TableChanges, capacity: Int = 10_000, ttl: Duration = .seconds(10)) {
        self.changes = changes
        self.capacity = capacity
        self.ttl = UInt64(ttl.components.seconds) * 1_000_000_000 + UInt64(ttl.components.attoseconds / 1_000_000_000)
    }

    /// The generation to pass to ``store(_:for:readAt:)``.
    public var generation: UInt64 { changes.generation }

    /// The value stored for `key`, if it is still current.
    @inlinable
    public func value(for key: Key) -> Value? {
        withCurrentEntries { current in current(key) }
    }

    /// The current value stored for each of `keys`, in order: one lock and one clock reading
    /// for a whole batch. Inlinable, so a plugin's batch runs specialised for its types.
    @inlinable
    public func values(for keys: [Key]) -> [Value?] {
        withCurrentEntries { current in keys.map(current) }
    }

    /// Runs `body` under the lock with a lookup that answers only entries still current: read
    /// at this generation, and not expired.
    @inlinable
    func withCurrentEntries<T>(_ body: ((Key) -> Value?) -> T) -> T {
        let generation = changes.generation
        let now = DispatchTime.now().uptimeNanoseconds
        return entries.withLockedValue { entries in
            body { key in
                guard let entry = entries[key], entry.generation == generation, entry.expires > now else { return nil }
                return entry.value
            }
        }
    }

    /// Stores `value`, read when the generation was `generation`.
    public func store(_ value: Value, for key: Key, readAt generation: UInt64) {
        let expires = DispatchTime.now().uptimeNanoseconds + ttl
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.generation == generation }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = Entry(value: value, generation: generation, expires: expires)
        }
    }
}
