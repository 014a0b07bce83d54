import Accounts
import Dispatch
import NIOConcurrencyHelpers
import Tenancy
import Vault

/// What the console keeps in memory so a signed-in page costs no database round trip: live
/// sessions by the SHA-256 of their cookie, and each user's memberships and key list.
///
/// Attached to the vault, it follows every change notice about a user (their sessions, keys,
/// account, memberships: the triggers of `db/core/0004` and `0006`), from any instance or
/// writer, and this instance forgets a user at once after its own changes. Entries live at most
/// 60 seconds, so a lost notice cannot keep an ended session alive longer, and a session is
/// re-read (and its `last_seen_at` written) about once a minute while in use. A read that
/// raced with an eviction is not stored (the generation counter).
final class ConsoleCache: UserScopedCache {
    private struct Entry<Value: Sendable>: Sendable {
        let value: Value
        let userID: Int64
        let storedAt: UInt64
    }

    private struct State: Sendable {
        var sessions: [SHA256Digest: Entry<WebSession>] = [:]
        var keyLists: [Int64: Entry<[KeyRecord]>] = [:]
        var memberships: [Int64: Entry<Memberships>] = [:]
        var generation: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    private let ttl: UInt64
    private let capacity: Int

    init(ttl: Duration = .seconds(60), capacity: Int = 10_000) {
        self.ttl = UInt64(ttl.components.seconds) * 1_000_000_000
        self.capacity = capacity
    }

    private static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The current generation, to pass to a `store` after a database read.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func session(_ digest: SHA256Digest) -> WebSession? {
        lookup(\.sessions, digest)
    }

    func store(_ session: WebSession, for digest: SHA256Digest, readAt generation: UInt64) {
        store(\.sessions, digest, session, userID: session.userID, readAt: generation)
    }

    func keys(userID: Int64) -> [KeyRecord]? {
        lookup(\.keyLists, userID)
    }

    func store(keys: [KeyRecord], userID: Int64, readAt generation: UInt64) {
        store(\.keyLists, userID, keys, userID: userID, readAt: generation)
    }

    func memberships(userID: Int64) -> Memberships? {
        lookup(\.memberships, userID)
    }

    func store(_ memberships: Memberships, userID: Int64, readAt generation: UInt64) {
        store(\.memberships, userID, memberships, userID: userID, readAt: generation)
    }

    private func lookup<Key: Hashable, Value: Sendable>(_ table: KeyPath<State, [Key: Entry<Value>]>, _ key: Key) -> Value? {
        let now = Self.now
        return state.withLockedValue { state in
            guard let entry = state[keyPath: table][key], now &- entry.storedAt < ttl else { return nil }
            return entry.value
        }
    }

    private func store<Key: Hashable, Value: Sendable>(
        _ table: WritableKeyPath<State, [Key: Entry<Value>]>, _ key: Key, _ value: Value, userID: Int64, readAt generation: UInt64
    ) {
        let entry = Entry(value: value, userID: userID, storedAt: Self.now)
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state[keyPath: table].count >= capacity, state[keyPath: table][key] == nil {
                state[keyPath: table].remove(at: state[keyPath: table].startIndex)
            }
            state[keyPath: table][key] = entry
        }
    }

    func evict(userID: Int64) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.sessions = state.sessions.filter { $0.value.userID != userID }
            state.keyLists[userID] = nil
            state.memberships[userID] = nil
        }
    }

    func evictAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.sessions.removeAll(keepingCapacity: true)
            state.keyLists.removeAll(keepingCapacity: true)
            state.memberships.removeAll(keepingCapacity: true)
        }
    }
}
