import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// A bounded, expiring in-memory map from key hash to what the vault knows about the key.
///
/// Entries live at most `ttl`, so a lost eviction notice cannot keep a revoked key alive for
/// longer. Evictions bump a generation counter; a lookup that started before an eviction does
/// not store its (possibly stale) result. The cache also marks, at most once per `usageInterval`
/// per key, that a key was used — the usage flusher writes those marks to the database.
final class VerificationCache: Sendable {
    private struct Entry {
        var found: VerifiedKey
        var storedAt: UInt64
        var usageMarkedAt: UInt64
    }

    private struct State {
        var entries: [SHA256Digest: Entry] = [:]
        var generation: UInt64 = 0
        var pendingUsage: [UUID] = []
    }

    let capacity: Int
    private let ttlNanoseconds: UInt64
    private let usageIntervalNanoseconds: UInt64
    private let state = NIOLockedValueBox(State())

    init(capacity: Int, ttl: Duration, usageInterval: Duration = .seconds(60)) {
        self.capacity = max(1, capacity)
        self.ttlNanoseconds = ttl.nanoseconds
        self.usageIntervalNanoseconds = usageInterval.nanoseconds
    }

    static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The cached entry, if fresh; marks the key as used when its mark is older than the interval.
    func lookup(_ digest: SHA256Digest) -> VerifiedKey? {
        let now = Self.now
        return state.withLockedValue { state -> VerifiedKey? in
            guard var entry = state.entries[digest] else { return nil }
            guard now &- entry.storedAt < ttlNanoseconds else {
                state.entries[digest] = nil
                return nil
            }
            if now &- entry.usageMarkedAt >= usageIntervalNanoseconds {
                entry.usageMarkedAt = now
                state.entries[digest] = entry
                state.pendingUsage.append(entry.found.key.id)
            }
            return entry.found
        }
    }

    /// The current generation, to pass to `store` after a database read.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Stores a database result unless something was evicted since `generation` was read.
    func store(_ found: VerifiedKey, for digest: SHA256Digest, readAt generation: UInt64) {
        let now = Self.now
        state.withLockedValue { state in
            state.pendingUsage.append(found.key.id)
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[digest] == nil {
                state.entries.remove(at: state.entries.startIndex)
            }
            state.entries[digest] = Entry(found: found, storedAt: now, usageMarkedAt: now)
        }
    }

    /// Forgets every key of one user.
    func evict(userID: Int64) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.found.owner.id != userID }
        }
    }

    /// Forgets everything.
    func evictAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Takes the ids of keys used since the last call.
    func takePendingUsage() -> [UUID] {
        state.withLockedValue { state in
            defer { state.pendingUsage = [] }
            return Array(Set(state.pendingUsage))
        }
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000)
    }
}
