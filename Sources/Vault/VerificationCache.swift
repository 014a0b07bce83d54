import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// A bounded, expiring in-memory map from key hash to what the vault knows about the key.
///
/// Entries live at most `ttl`, so a lost eviction notice cannot keep a revoked key alive for
/// longer. Evictions bump a generation counter; a lookup that started before an eviction does
/// not store its (possibly stale) result. The cache also marks, at most once per `usageInterval`
/// per key, that a key was used successfully, or presented after its expiry — the usage flusher
/// writes those marks to the database (`last_used_at`, `key.expired_use` audit events).
final class VerificationCache: Sendable {
    /// What a presentation of a key amounts to, for the usage marks.
    enum Use {
        /// A successful use: `last_used_at`.
        case valid
        /// A use after expiry: the `key.expired_use` audit event (SPEC §1).
        case expired
    }

    private struct Entry {
        var found: VerifiedKey
        var storedAt: UInt64
        var validMarkedAt: UInt64?
        var expiredMarkedAt: UInt64?
    }

    private struct State {
        var entries: [SHA256Digest: Entry] = [:]
        var generation: UInt64 = 0
        var pendingUsage: [UUID] = []
        var pendingExpired: [UUID: VerifiedKey] = [:]
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

    /// The cached key judged at `date`, if fresh; a valid or expired use is marked under the
    /// same lock (one lock per cached verification, the hot path).
    func lookup(_ digest: SHA256Digest, at date: Date) -> KeyVerification? {
        let now = Self.now
        let interval = usageIntervalNanoseconds
        return state.withLockedValue { state -> KeyVerification? in
            guard var entry = state.entries[digest] else { return nil }
            guard now &- entry.storedAt < ttlNanoseconds else {
                state.entries[digest] = nil
                return nil
            }
            let status = entry.found.status(at: date)
            if status == .valid, entry.validMarkedAt.map({ now &- $0 >= interval }) ?? true {
                entry.validMarkedAt = now
                state.entries[digest] = entry
                state.pendingUsage.append(entry.found.key.id)
            } else if status == .expired, entry.expiredMarkedAt.map({ now &- $0 >= interval }) ?? true {
                entry.expiredMarkedAt = now
                state.entries[digest] = entry
                state.pendingExpired[entry.found.key.id] = entry.found
            }
            return KeyVerification(status: status, found: entry.found)
        }
    }

    /// Marks a use of `found` (hashed `digest`), just read from the database, unless one of the
    /// same kind was marked less than the interval ago. A key not cached (a read that raced
    /// with an eviction) is marked each time.
    func recordUse(_ use: Use, of found: VerifiedKey, digest: SHA256Digest) {
        let now = Self.now
        let interval = usageIntervalNanoseconds
        state.withLockedValue { state in
            func due(_ last: inout UInt64?) -> Bool {
                if let previous = last, now &- previous < interval { return false }
                last = now
                return true
            }
            var entry = state.entries[digest]
            switch use {
            case .valid:
                guard entry == nil || due(&entry!.validMarkedAt) else { return }
                state.pendingUsage.append(found.key.id)
            case .expired:
                guard entry == nil || due(&entry!.expiredMarkedAt) else { return }
                state.pendingExpired[found.key.id] = found
            }
            if let entry { state.entries[digest] = entry }
        }
    }

    /// The current generation, to pass to `store` after a database read.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// Stores a database result unless something was evicted since `generation` was read.
    func store(_ found: VerifiedKey, for digest: SHA256Digest, readAt generation: UInt64) {
        let now = Self.now
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity, state.entries[digest] == nil {
                state.entries.remove(at: state.entries.startIndex)
            }
            state.entries[digest] = Entry(found: found, storedAt: now)
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

    /// Takes the ids of keys used successfully since the last call.
    func takePendingUsage() -> [UUID] {
        state.withLockedValue { state in
            defer { state.pendingUsage = [] }
            return Array(Set(state.pendingUsage))
        }
    }

    /// Takes the keys presented after their expiry since the last call.
    func takePendingExpiredUses() -> [VerifiedKey] {
        state.withLockedValue { state in
            defer { state.pendingExpired = [:] }
            return Array(state.pendingExpired.values)
        }
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        UInt64(max(0, components.seconds)) * 1_000_000_000 + UInt64(max(0, components.attoseconds) / 1_000_000_000)
    }
}
