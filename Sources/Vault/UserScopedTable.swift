import Dispatch
import NIOConcurrencyHelpers

/// A bounded, expiring in-memory map whose entries each belong to a user, kept honest by the
/// change notices about users (``UserScopedCache``): a user's entries go when anything of theirs
/// changes, every entry goes when notices may have been missed.
///
/// Entries live at most `ttl`, so a lost notice cannot keep one alive for longer. Evictions bump
/// a generation counter: read ``generation`` before the database read whose result you
/// ``store(_:for:userID:readAt:)``, and a result that raced with an eviction is not kept.
public final class UserScopedTable<Key: Hashable & Sendable, Value: Sendable>: UserScopedCache {
    private struct Entry: Sendable {
        let value: Value
        let userID: Int64
        let storedAt: UInt64
    }

    private struct State: Sendable {
        var entries: [Key: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    private let ttl: UInt64
    private let capacity: Int

    public init(ttl: Duration = .seconds(60), capacity: Int = 10_000) {
        self.ttl = UInt64(ttl.components.seconds) * 1_000_000_000 + UInt64(ttl.components.attoseconds / 1_000_000_000)
        self.capacity = max(1, capacity)
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The current generation, to pass to ``store(_:for:userID:readAt:)`` after a database read.
    public var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// The value stored for `key`, unless it is older than the time to live.
    public func value(for key: Key) -> Value? {
        let now = Self.now
        return state.withLockedValue { state in
            guard let entry = state.entries[key], now &- entry.storedAt < ttl else { return nil }
            return entry.value
        }
    }

    /// Keeps `value` (read from the database at `generation`) for `key`, as user `userID`'s,
    /// unless an eviction happened since the read. When full, an arbitrary entry makes room.
    public func store(_ value: Value, for key: Key, userID: Int64, readAt generation: UInt64) {
        let entry = Entry(value: value, userID: userID, storedAt: Self.now)
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[key] == nil {
                state.entries.remove(at: state.entries.startIndex)
            }
            state.entries[key] = entry
        }
    }

    public func evict(userID: Int64) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.userID != userID }
        }
    }

    public func evictAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}
